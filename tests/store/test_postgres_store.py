"""The shared PostgreSQL database: schema versions and `db upgrade`, and every way of failing to
reach it, as one-line errors that never show the password. Against a real, throwaway cluster."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import psycopg
import pytest

from archive_helpers import nm
from newsmirror.errors import ConfigError, SchemaMismatch, StoreError
from newsmirror.settings.config import parse_settings
from newsmirror.settings.configfile import init_archive
from newsmirror.store.postgres import SCHEMA_VERSION, connect, redacted, schema_version, upgrade
from newsmirror.store.postgres.connection import open_connection
from newsmirror.store.postgres.schema import migrations
from postgres import PASSWORD, LocalPostgres


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    found = migrations()
    assert [version for version, _, _ in found] == list(range(1, SCHEMA_VERSION + 1))
    assert all(name.endswith(".sql") and sql.strip() for _, name, sql in found)


def test_upgrade_brings_a_new_database_to_the_current_version_once(pg_url: str) -> None:
    with open_connection(pg_url) as connection:
        assert schema_version(connection) == 0
        assert upgrade(connection, pg_url) == (0, SCHEMA_VERSION)
        assert upgrade(connection, pg_url) == (SCHEMA_VERSION, SCHEMA_VERSION)
        applied = connection.execute("SELECT version, name FROM schema_version ORDER BY 1")
        assert [(v, n) for v, n, _ in migrations()] == applied.fetchall()
    with connect(pg_url) as connection:  # the check at connect passes
        assert connection.execute("SELECT count(*) FROM search_docs").fetchone() == (0,)


def test_two_upgrades_at_once_apply_each_migration_once(pg_url: str) -> None:
    results: list[tuple[int, int]] = []

    def run() -> None:
        with open_connection(pg_url) as connection:
            results.append(upgrade(connection, pg_url))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [(0, SCHEMA_VERSION)] + [(SCHEMA_VERSION, SCHEMA_VERSION)] * 2


def test_an_old_schema_is_one_line_naming_the_command(pg_url: str) -> None:
    with pytest.raises(SchemaMismatch) as raised:
        connect(pg_url)
    message = str(raised.value)
    assert "\n" not in message
    assert f"schema is version 0, this newsmirror needs {SCHEMA_VERSION}" in message
    assert "run `newsmirror db upgrade`" in message


def test_a_newer_schema_asks_for_a_newer_newsmirror(pg_url: str) -> None:
    with open_connection(pg_url) as connection:
        upgrade(connection, pg_url)
        connection.execute(
            "INSERT INTO schema_version(version, name) VALUES (%s, 'from_the_future.sql')",
            (SCHEMA_VERSION + 1,),
        )
        connection.commit()
        with pytest.raises(SchemaMismatch, match="newer than this newsmirror knows"):
            upgrade(connection, pg_url)  # never applies older steps over a newer schema
    with pytest.raises(SchemaMismatch, match="upgrade newsmirror on this machine"):
        connect(pg_url)


def test_wrong_credentials_are_one_line_without_the_password(
    postgres: LocalPostgres, pg_database: str
) -> None:
    url = postgres.tcp_url(pg_database, password="not-the-password")
    with pytest.raises(StoreError) as raised:
        connect(url)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"postgresql://newsmirror@127.0.0.1:{postgres.port}/{pg_database}:")
    assert 'password authentication failed for user "newsmirror"' in message
    assert "not-the-password" not in message
    # The right password over TCP reaches the schema check.
    with pytest.raises(SchemaMismatch):
        connect(postgres.tcp_url(pg_database))


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://someone:hunter2@127.0.0.1:{port}/news?password=hunter2&sslmode=disable"
    with pytest.raises(StoreError) as raised:
        connect(url)
    message = str(raised.value)
    assert "\n" not in message
    assert "hunter2" not in message
    assert message.startswith(f"postgresql://someone@127.0.0.1:{port}/news?sslmode=disable:")
    assert "Connection refused" in message
    assert "NEWSMIRROR_STORE_URL" in message


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://someone:pw@127.0.0.1:5432/news?nonsense_option=1",
        "postgresql://someone:bad%zzsecret@127.0.0.1:5432/news",  # libpq quotes the bad part
    ],
)
def test_a_url_libpq_cannot_read_is_one_line(url: str) -> None:
    with pytest.raises(StoreError) as raised:
        connect(url)
    message = str(raised.value)
    assert "\n" not in message and "cannot connect" in message
    assert ":pw@" not in message and "secret" not in message


def test_redacted_drops_every_form_of_password() -> None:
    assert redacted("postgresql://u:p%40ss@db.example:5433/news") == (
        "postgresql://u@db.example:5433/news"
    )
    assert redacted("postgresql://db/news?user=u&password=p") == "postgresql://db/news?user=u"
    assert redacted("postgresql:///news?host=/run/postgresql") == (
        "postgresql:///news?host=/run/postgresql"
    )


@pytest.mark.parametrize("url", ["mysql://u:secret@h/db", "u:secret@h/db", "sqlite:///x"])
def test_store_url_must_be_postgresql_and_the_error_hides_it(url: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_settings({"store": {"url": url}}, env={})
    assert "[store] url" in str(raised.value)
    assert "secret" not in str(raised.value)


def test_store_url_from_the_environment() -> None:
    url = "postgresql://u@h/db"
    assert parse_settings({}, env={"NEWSMIRROR_STORE_URL": url}).store.url == url
    assert parse_settings({}, env={}).store.url == ""


def test_db_upgrade_command(
    tmp_path: Path,
    postgres: LocalPostgres,
    pg_database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    init_archive(tmp_path, ())
    assert nm(tmp_path, "db", "upgrade") == 2  # no database set
    assert "no database set; give [store] url" in capsys.readouterr().err

    monkeypatch.setenv("NEWSMIRROR_STORE_URL", postgres.tcp_url(pg_database, password="wrong"))
    assert nm(tmp_path, "db", "upgrade") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "password authentication failed" in err
    assert "wrong" not in err.replace("password authentication", "")

    monkeypatch.setenv("NEWSMIRROR_STORE_URL", postgres.tcp_url(pg_database))
    assert nm(tmp_path, "db", "upgrade") == 0
    out = capsys.readouterr().out
    assert f"upgraded from version 0 to {SCHEMA_VERSION}" in out and PASSWORD not in out
    assert nm(tmp_path, "db", "upgrade") == 0
    assert f"up to date (version {SCHEMA_VERSION})" in capsys.readouterr().out
    with psycopg.connect(postgres.url(pg_database)) as connection:
        assert schema_version(connection) == SCHEMA_VERSION
