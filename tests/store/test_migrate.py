"""`newsmirror migrate`: an archive's record copied from its files into a database and back,
byte for byte, and the mirror made from any of the three the same; a target that holds another
record, or is no target at all, refused in one line with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive_helpers import make_archive, mirror, nm, rss, story_item
from newsmirror.settings.sources import Source
from newsmirror.store.postgres import PostgresStore, upgrade
from newsmirror.store.postgres.connection import open_connection
from postgres import LocalPostgres
from server import LocalServer, Reply


def upgraded(url: str) -> str:
    with open_connection(url) as connection:
        upgrade(connection, url)
    return url


def record_files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "record").rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def sources(server: LocalServer) -> list[Source]:
    return [
        Source("Alpha", "alpha", server.url("/alpha.xml")),
        Source("Beta", "beta", server.url("/beta.xml")),
    ]


@pytest.fixture
def in_files(
    server: LocalServer, sources: list[Source], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """An archive in files with two runs recorded: new articles, then an edit."""
    root = make_archive(tmp_path / "in-files", sources, monkeypatch)
    server.route("/alpha.xml", Reply(body=rss([story_item(1), story_item(2)])))
    server.route("/beta.xml", Reply(body=rss([story_item(3, "长文：俄乌战争")])))
    assert nm(root, "run") == 0
    server.route(
        "/alpha.xml", Reply(body=rss([story_item(1, "Edited body"), story_item(2), story_item(4)]))
    )
    assert nm(root, "run", "--all") == 0
    return root


def test_the_record_goes_into_a_database_and_back_and_every_mirror_is_the_same(
    in_files: Path,
    sources: list[Source],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    upgraded(pg_url)
    assert nm(in_files, "migrate", "--to", pg_url) == 0
    assert "copied 5 revisions in 2 record files" in capsys.readouterr().out
    store = PostgresStore(pg_url)
    try:
        assert store.article_counts() == {"alpha": 3, "beta": 1}
        # The sources' schedules came along: the next run fetches what is due, not all.
        assert store.source_state("alpha").last_success is not None
    finally:
        store.close()

    # An archive sharing the database projects the same mirror.
    shared = make_archive(tmp_path / "in-database", sources, monkeypatch)
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", pg_url)
    assert nm(shared, "rebuild") == 0
    assert mirror(shared) == mirror(in_files)
    capsys.readouterr()
    assert nm(shared, "search", "俄乌") == 0
    assert "Story 3" in capsys.readouterr().out
    # Again: the database holds this record, and nothing is written.
    assert nm(in_files, "migrate", "--to", pg_url) == 0
    assert "holds this record already" in capsys.readouterr().out

    # Back into files: the same bytes, and the same mirror made from them.
    back = make_archive(tmp_path / "back", sources, monkeypatch)
    assert nm(shared, "migrate", "--to", str(back)) == 0
    assert "copied 5 revisions in 2 record files" in capsys.readouterr().out
    assert record_files(back) == record_files(in_files)
    assert not [p for p in back.iterdir() if p.name.startswith(".newsmirror-migrate")]
    assert nm(shared, "migrate", "--to", str(back)) == 0  # the same record: left as it is
    monkeypatch.delenv("NEWSMIRROR_STORE_URL")
    assert nm(back, "rebuild") == 0
    assert mirror(back) == mirror(in_files)
    assert nm(back, "status") == 0  # the sources' state came back too: none is failing


def test_a_database_with_another_record_is_refused_and_left_as_it_is(
    in_files: Path,
    server: LocalServer,
    sources: list[Source],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    other = make_archive(tmp_path / "other", sources, monkeypatch)
    server.route("/alpha.xml", Reply(body=rss([story_item(7)])))
    assert nm(other, "run", "--source", "alpha") == 0
    upgraded(pg_url)
    assert nm(other, "migrate", "--to", pg_url) == 0
    capsys.readouterr()
    assert nm(in_files, "migrate", "--to", pg_url) != 0
    (message,) = capsys.readouterr().err.splitlines()
    assert "holds another record" in message and "db upgrade" in message
    store = PostgresStore(pg_url)
    try:
        assert store.article_counts() == {"alpha": 1}
    finally:
        store.close()
    # And a folder holding another record is refused as well.
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", pg_url)
    before = record_files(in_files)
    assert nm(other, "migrate", "--to", str(in_files)) != 0
    (message,) = capsys.readouterr().err.splitlines()
    assert "holds another record" in message
    assert record_files(in_files) == before


@pytest.mark.parametrize(
    ("target", "said"),
    [
        ("mysql://user:secret@host/db", "give a postgresql:// URL or a folder"),
        ("newsmirror.toml", "not a folder"),
    ],
)
def test_a_target_that_is_none_is_one_line(
    in_files: Path, target: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    where = target if "://" in target else str(in_files / target)
    assert nm(in_files, "migrate", "--to", where) != 0
    (message,) = capsys.readouterr().err.splitlines()
    assert said in message and "secret" not in message


def test_a_database_of_an_old_schema_names_the_command(
    in_files: Path, postgres: LocalPostgres, pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert nm(in_files, "migrate", "--to", postgres.tcp_url(pg_database)) != 0
    (message,) = capsys.readouterr().err.splitlines()
    assert "run `newsmirror db upgrade`" in message


def test_copying_to_files_needs_the_record_in_a_database(
    in_files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert nm(in_files, "migrate", "--to", str(tmp_path / "copy")) != 0
    (message,) = capsys.readouterr().err.splitlines()
    assert "give --to postgresql://" in message
    assert not (tmp_path / "copy").exists()
