"""`newsmirror run` with the archive shared in PostgreSQL (``[store] url``): the record, the
state, article and search indexes all live in the database, the record files in the tree are
only the database's rows written out for git (line for line), and the mirror is the one a run
of the same feeds makes with the record in files, byte for byte."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from archive_helpers import make_archive, mirror, nm, rss, story_item
from newsmirror.settings.sources import Source
from newsmirror.store.postgres import PostgresStore
from newsmirror.store.postgres.database import open_database
from newsmirror.store.postgres.record import PostgresRecord
from server import LocalServer, Reply


def record_files_are_the_databases(root: Path, url: str) -> None:
    """The tree's record files hold the database's rows, line for line, and nothing else."""
    database = open_database(url, ("record",))
    try:
        record = PostgresRecord(database)
        rows = {file: list(record.lines(file)) for file in record.files()}
    finally:
        database.close()
    files = {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8").splitlines()
        for p in (root / "record").rglob("*.jsonl")
    }
    assert files == rows and rows


def test_a_shared_run_keeps_the_record_in_postgresql_and_makes_the_mirror_files_make(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sources = [
        Source("Alpha", "alpha", server.url("/alpha.xml")),
        Source("Beta", "beta", server.url("/beta.xml")),
    ]
    in_files = make_archive(tmp_path / "in-files", sources, monkeypatch)
    shared = make_archive(tmp_path / "in-database", sources, monkeypatch)

    def run_both(*args: str) -> None:
        """The same feeds, run by the archive in files and by the shared one."""
        assert nm(in_files, "run", *args) == 0
        monkeypatch.setenv("NEWSMIRROR_STORE_URL", pg_url)
        try:
            assert nm(shared, "run", *args) == 0
        finally:
            monkeypatch.delenv("NEWSMIRROR_STORE_URL")

    monkeypatch.setenv("NEWSMIRROR_STORE_URL", pg_url)
    assert nm(shared, "db", "upgrade") == 0
    monkeypatch.delenv("NEWSMIRROR_STORE_URL")
    server.route("/alpha.xml", Reply(body=rss([story_item(1), story_item(2)])))
    server.route("/beta.xml", Reply(body=rss([story_item(3)])))
    run_both()
    server.route("/alpha.xml", Reply(body=rss([story_item(1), story_item(2), story_item(4)])))
    server.route("/beta.xml", Reply(body=rss([story_item(3), story_item(5, "Another body")])))
    run_both("--all")

    record_files_are_the_databases(shared, pg_url)
    assert not list((shared / ".newsmirror").glob("*.sqlite"))
    assert mirror(shared) == mirror(in_files)
    assert len([p for p in mirror(shared) if p.startswith("articles/")]) == 5

    # An edit: a second revision, recorded and indexed in the database.
    server.route(
        "/alpha.xml", Reply(body=rss([story_item(1, "Edited body"), story_item(2), story_item(4)]))
    )
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", pg_url)
    assert nm(shared, "run", "--all") == 0
    capsys.readouterr()
    assert nm(shared, "search", "edited") == 0
    assert "Story 1" in capsys.readouterr().out  # found in the database's index
    assert nm(shared, "show", "https://news.example.com/a/1.html") == 0
    assert "Edited body" in capsys.readouterr().out  # read from the database's record
    store = PostgresStore(pg_url)
    try:
        assert store.article_counts() == {"alpha": 3, "beta": 2}
        edited = store.resolve("https://news.example.com/a/1.html")
        assert edited is not None
        assert [r.rev for r in store.revisions_of(edited)] == [1, 2]
        assert store.unprojected() == []
    finally:
        store.close()
    record_files_are_the_databases(shared, pg_url)


def test_a_source_another_process_recorded_first_is_passed_again_and_stops_no_other(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    pg_url: str,
) -> None:
    sources = [
        Source("Alpha", "alpha", server.url("/alpha.xml")),
        Source("Beta", "beta", server.url("/beta.xml")),
    ]
    shared = make_archive(tmp_path / "in-database", sources, monkeypatch)
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", pg_url)
    assert nm(shared, "db", "upgrade") == 0
    server.route("/alpha.xml", Reply(body=rss([story_item(1), story_item(2)])))
    server.route("/beta.xml", Reply(body=rss([story_item(3)])))
    with psycopg.connect(pg_url, autocommit=True) as admin:
        # What a worker beating this run to alpha's revisions looks like to the run: the
        # database refuses alpha's batch as a duplicate.
        admin.execute(
            """CREATE FUNCTION beaten() RETURNS trigger LANGUAGE plpgsql AS
               $$ BEGIN
                   IF NEW.file LIKE 'record/alpha/%' THEN
                       RAISE unique_violation USING MESSAGE = 'recorded by a worker';
                   END IF;
                   RETURN NEW;
               END $$;
               CREATE TRIGGER beaten BEFORE INSERT ON record
               FOR EACH ROW EXECUTE FUNCTION beaten()"""
        )
        capsys.readouterr()
        assert nm(shared, "run") == 0  # beta was recorded: not every source failed
        said = capsys.readouterr()
        assert "alpha" in said.out + said.err and "passed again next run" in said.out + said.err
        assert "Traceback" not in said.err
        store = PostgresStore(pg_url)
        try:
            assert store.article_counts() == {"beta": 1}  # nothing of alpha's batch kept
            alpha = store.source_state("alpha")
            assert alpha.errors == 0 and alpha.etag is None  # no failure of the source
        finally:
            store.close()
        admin.execute("DROP TRIGGER beaten ON record")
    assert nm(shared, "run") == 0  # alpha is still due: the next run passes it
    store = PostgresStore(pg_url)
    try:
        assert store.article_counts() == {"alpha": 2, "beta": 1}
    finally:
        store.close()
