"""The PostgreSQL store's faults (beside the contract suite, which both backends pass): a lost
connection, a refused batch, a database of another schema: one line naming the database
without its password, nothing half-written, and the store usable again afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from contract.backends import revision

from archive_helpers import make_archive, nm
from newsmirror.errors import SchemaMismatch, StoreError
from newsmirror.record.log import RecordLog
from newsmirror.store.follow import catch_up, follow
from newsmirror.store.postgres import PostgresStore, redacted, upgrade
from newsmirror.store.postgres.connection import open_connection
from postgres import PASSWORD, LocalPostgres


@pytest.fixture
def tcp_url(postgres: LocalPostgres, pg_database: str) -> str:
    """A new database, upgraded, over TCP with a password (which no message may show)."""
    url = postgres.tcp_url(pg_database)
    with open_connection(url) as connection:
        upgrade(connection, url)
    return url


def one_line_naming(url: str, error: BaseException) -> str:
    message = str(error)
    assert "\n" not in message and PASSWORD not in message
    assert message.startswith(f"{redacted(url)}: ")
    return message


def test_a_lost_connection_is_one_line_and_loses_nothing(tcp_url: str, tmp_path: Path) -> None:
    log, store = RecordLog(tmp_path), PostgresStore(tcp_url)
    try:
        follow(store, log.append([revision(1)]))
        with open_connection(tcp_url, autocommit=True) as admin:  # the server drops the store
            admin.execute(
                """SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                   WHERE datname = current_database() AND pid <> pg_backend_pid()"""
            )
        with pytest.raises(StoreError) as raised:
            follow(store, log.append([revision(2), revision(3)]))
        assert "cannot be used" in one_line_naming(tcp_url, raised.value)
        # The next call has a new connection; the failed batch left nothing, and catching up
        # takes it in from the record.
        assert store.article_counts() == {"voa": 1}
        assert catch_up(log, store) == 2
        assert store.article_counts() == {"voa": 3}
    finally:
        store.close()


def test_a_refused_batch_is_one_line(tcp_url: str, tmp_path: Path) -> None:
    log, store = RecordLog(tmp_path), PostgresStore(tcp_url)
    try:
        follow(store, log.append([revision(1)]))
        with pytest.raises(StoreError) as raised:
            follow(store, log.append([revision(2, path=revision(1).path)]))
        assert "articles_path_key" in one_line_naming(tcp_url, raised.value)
        assert store.article_counts() == {"voa": 1}
    finally:
        store.close()


def test_a_run_against_an_old_schema_names_the_command_and_records_nothing(
    postgres: LocalPostgres,
    pg_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = postgres.tcp_url(pg_database)
    root = make_archive(tmp_path / "a", [], monkeypatch)
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", url)
    with pytest.raises(SchemaMismatch):
        PostgresStore(url)
    assert nm(root, "run") != 0
    (message,) = capsys.readouterr().err.splitlines()
    assert "run `newsmirror db upgrade`" in message and PASSWORD not in message
    assert not list((root / "record").rglob("*.jsonl"))
