"""The record in the shared database (store.postgres.record) beside the record in files: the
same revisions, lines and files through the one ``Record`` protocol; ``Archive.append`` as one
transaction of record, store and search index, refused whole on a conflict or a lost
connection; and several processes appending at once, nothing lost and nothing twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from contract.backends import revision

from archive_helpers import make_archive, nm
from newsmirror.archive.archive import Archive
from newsmirror.errors import ArchiveError, Conflict, SchemaMismatch, StoreError
from newsmirror.record.log import RecordLog
from newsmirror.record.protocol import Record
from newsmirror.search import SearchQuery
from newsmirror.store.postgres import redacted, upgrade
from newsmirror.store.postgres.connection import open_connection
from newsmirror.store.postgres.database import open_database
from newsmirror.store.postgres.record import TABLES, PostgresRecord
from postgres import PASSWORD, LocalPostgres

TESTS = Path(__file__).resolve().parent.parent


def upgraded(url: str) -> str:
    with open_connection(url) as connection:
        upgrade(connection, url)
    return url


@pytest.fixture(params=["files", "postgresql"])
def record(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Record]:
    if request.param == "files":
        yield RecordLog(tmp_path)
        return
    database = open_database(upgraded(request.getfixturevalue("pg_url")), TABLES)
    try:
        yield PostgresRecord(database)
    finally:
        database.close()


def test_both_records_keep_the_same_files_lines_and_revisions(record: Record) -> None:
    first = [revision(1), revision(2, source="rfa"), revision(1, rev=40)]  # 40 days on
    entries = record.append(first)
    more = record.append([revision(3)])
    assert [e.revision for e in entries] == first
    assert [e.file for e in entries] == [
        "record/voa/2026-03.jsonl",
        "record/rfa/2026-03.jsonl",
        "record/voa/2026-04.jsonl",
    ]
    assert record.files() == sorted({e.file for e in entries})
    assert all(e.offset < e.end for e in [*entries, *more])
    for entry in [*entries, *more]:
        assert record.read_at(entry.file, entry.offset) == entry.revision
    march = list(record.read("record/voa/2026-03.jsonl"))
    assert [e.revision for e in march] == [revision(1), revision(3)]
    assert list(record.read(march[1].file, march[1].offset)) == march[1:]
    assert list(record.lines(march[0].file)) == [revision(1).to_json(), revision(3).to_json()]
    assert [e.revision for e in record.read_all()] == [
        revision(2, source="rfa"),
        revision(1),
        revision(3),
        revision(1, rev=40),
    ]
    # A follower that read the first batch has the second to read, from where it stopped.
    read_to = {entries[0].file: entries[0].end}
    unread = record.unread(read_to)
    assert not unread.restart
    start = dict(unread.files)[entries[0].file]
    assert list(record.read(entries[0].file, start)) == more
    assert record.unread({"record/gone/2020-01.jsonl": 1}).restart


def test_the_database_keeps_each_line_as_the_file_would(pg_url: str, tmp_path: Path) -> None:
    revisions = [revision(1, title="“引号” and \\ backslash"), revision(2)]
    RecordLog(tmp_path).append(revisions)
    database = open_database(upgraded(pg_url), TABLES)
    try:
        in_database = PostgresRecord(database)
        (entry, _) = in_database.append(revisions)
        lines = "".join(line + "\n" for line in in_database.lines(entry.file))
    finally:
        database.close()
    assert lines.encode() == (tmp_path / entry.file).read_bytes()


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_url: str) -> Path:
    """An archive whose record and caches are in a new, upgraded database."""
    root = make_archive(tmp_path / "in-database", [], monkeypatch)
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", upgraded(pg_url))
    return root


def counts(archive: Archive) -> tuple[int, dict[str, int], int]:
    """Revisions recorded, articles per source in the store, documents in the search index."""
    found = archive.search.search(SearchQuery("Body", limit=100))
    return len(list(archive.log.read_all())), archive.store.article_counts(), found.total


def test_a_shared_append_is_one_transaction_refused_whole_on_a_conflict(shared: Path) -> None:
    with Archive(shared) as archive:
        archive.append([revision(1)])
        with pytest.raises(Conflict) as raised:  # another worker recorded revision 1 first
            archive.append([revision(2), revision(1)])
        message = str(raised.value)
        assert "\n" not in message and "record_article_rev_key" in message
        assert counts(archive) == (1, {"voa": 1}, 1)
        with pytest.raises(Conflict):  # another article took the path first
            archive.append([revision(3), revision(4, path=revision(1).path)])
        assert counts(archive) == (1, {"voa": 1}, 1)
        archive.append([revision(2), revision(1, rev=2)])
        assert counts(archive) == (3, {"voa": 2}, 2)
        assert [r.rev for r in archive.revisions("voa-1")] == [1, 2]
    assert not (shared / "record").exists()


def test_a_connection_lost_in_the_middle_of_an_append_keeps_nothing(
    postgres: LocalPostgres,
    pg_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = upgraded(postgres.tcp_url(pg_database))
    root = make_archive(tmp_path / "in-database", [], monkeypatch)
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", url)
    with open_connection(url, autocommit=True) as admin:
        # The connection dies once the record's and the search index's rows are in, as the
        # store takes the batch in.
        admin.execute(
            """CREATE FUNCTION die() RETURNS trigger LANGUAGE plpgsql AS
               $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$;
               CREATE TRIGGER die BEFORE INSERT ON revisions
               FOR EACH ROW EXECUTE FUNCTION die()"""
        )
        with Archive(root) as archive:
            with pytest.raises(StoreError) as raised:
                archive.append([revision(1), revision(2)])
            message = str(raised.value)
            assert "\n" not in message and PASSWORD not in message
            assert message.startswith(f"{redacted(url)}: ")
            assert counts(archive) == (0, {}, 0)
            admin.execute("DROP TRIGGER die ON revisions")
            archive.append([revision(1), revision(2)])  # the next one works
            assert counts(archive) == (2, {"voa": 2}, 2)


def test_rebuilding_the_caches_reads_the_record_in_the_database(shared: Path) -> None:
    with Archive(shared) as archive:
        archive.append([revision(n) for n in range(1, 6)])
        archive.append([revision(2, rev=2)])
        archive.store.reset()
        archive.search.rebuild(archive.log)
    with Archive(shared) as archive:  # opening it catches the store up from the record
        assert counts(archive) == (6, {"voa": 5}, 5)
        assert [r.rev for r in archive.revisions("voa-2")] == [1, 2]
    assert nm(shared, "rebuild") == 0
    assert len(list((shared / "articles").rglob("*.md"))) == 6


def test_only_a_shared_archive_opens_without_its_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_archive(tmp_path / "alone", [], monkeypatch)
    with pytest.raises(ArchiveError, match=r"set \[store\] url"):
        Archive(root, lock=False)


def test_an_old_schema_is_one_line_naming_the_command(shared: Path, pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(
            "DELETE FROM schema_version WHERE version = (SELECT max(version) FROM schema_version)"
        )
    with pytest.raises(SchemaMismatch, match="run `newsmirror db upgrade`"):
        Archive(shared).__enter__()


# One appender: opens the shared archive without its lock and records its revisions in small
# batches, each batch as a worker would; a batch another process recorded first is a Conflict.
APPENDER = """
import json, sys
from pathlib import Path
from contract.backends import revision
from newsmirror.archive.archive import Archive
from newsmirror.errors import Conflict

root, first, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
recorded, refused = [], 0
with Archive(root, lock=False) as archive:
    for n in range(first, first + count, 2):
        batch = [revision(n, source="one"), revision(n + 1, source="two"), revision(0, rev=n)]
        try:
            archive.append(batch)
            recorded += [[r.article, r.rev] for r in batch]
        except Conflict:
            refused += 1
print(json.dumps({"recorded": recorded, "refused": refused}))
"""


def test_processes_appending_at_once_lose_nothing_and_record_nothing_twice(
    shared: Path, tmp_path: Path
) -> None:
    script = tmp_path / "append.py"
    script.write_text(APPENDER)
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(TESTS / "store"), str(TESTS)]),
    }
    # Each process records its own articles, and revisions of one article (voa-0) the others
    # record too: of those, the first to commit wins and the other's batch is refused whole.
    starts = [1, 1, 41]
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), str(shared), str(first), "40"],
            env=environment,
            stdout=subprocess.PIPE,
            text=True,
        )
        for first in starts
    ]
    results = []
    for process in processes:
        out, _ = process.communicate(timeout=300)
        assert process.returncode == 0
        results.append(json.loads(out))
    recorded = [tuple(pair) for result in results for pair in result["recorded"]]
    assert len(recorded) == len(set(recorded))  # no revision recorded by two processes
    refused = sum(result["refused"] for result in results)
    assert len(recorded) == 3 * (60 - refused)
    assert refused >= 20  # the two processes of the same articles: each batch recorded once
    with Archive(shared) as archive:
        in_record = [(e.revision.article, e.revision.rev) for e in archive.log.read_all()]
        assert sorted(in_record) == sorted(recorded)
        articles = {article for article, _ in recorded}
        assert sum(archive.store.article_counts().values()) == len(articles)
        for article in articles:
            revs = sorted(rev for a, rev in recorded if a == article)
            assert [r.rev for r in archive.revisions(article)] == revs


def test_a_run_with_wrong_credentials_is_one_line_and_records_nothing(
    postgres: LocalPostgres,
    pg_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    upgraded(postgres.tcp_url(pg_database))
    root = make_archive(tmp_path / "in-database", [], monkeypatch)
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", postgres.tcp_url(pg_database, "wrong"))
    assert nm(root, "run") != 0
    (message,) = capsys.readouterr().err.splitlines()
    assert "cannot connect to the database" in message and "wrong" not in message
    assert not (root / "record").exists()
