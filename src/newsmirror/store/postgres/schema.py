"""The shared database's schema, in versions: ``migrations/NNNN_what.sql`` are applied in order,
each in its own transaction with its number in ``schema_version``, by ``newsmirror db upgrade``
(an advisory lock keeps two upgrades from running at once). Code opens a database only when its
version is this code's (``SCHEMA_VERSION``): an older one needs the command, a newer one a newer
newsmirror. A migration, once released, is never edited: a change is a new file."""

from __future__ import annotations

import re
from importlib.resources import files

import psycopg
from psycopg_pool import ConnectionPool

from newsmirror.errors import SchemaMismatch, StoreError
from newsmirror.store.postgres.connection import CONNECT_TIMEOUT, open_connection, reason, redacted

_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")
# pg_advisory_xact_lock's key for upgrades: any constant no other code uses ("nmschema").
UPGRADE_LOCK = 0x6E6D736368656D61


def migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of every migration, in order; versions run 1, 2, 3, ..."""
    found = []
    for entry in files(__package__ + ".migrations").iterdir():
        if match := _NAME.fullmatch(entry.name):
            found.append((int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    assert [v for v, _, _ in found] == list(range(1, len(found) + 1)), "migrations have gaps"
    return found


SCHEMA_VERSION = len(migrations())


def schema_version(connection: psycopg.Connection[tuple[object, ...]]) -> int:
    """The database's schema version: 0 for a database newsmirror never upgraded."""
    with connection.transaction():
        exists = connection.execute("SELECT to_regclass('schema_version')").fetchone()
        if exists is None or exists[0] is None:
            return 0
        row = connection.execute("SELECT coalesce(max(version), 0) FROM schema_version")
        found = row.fetchone()
    return int(found[0]) if found else 0  # type: ignore[call-overload]


def check(connection: psycopg.Connection[tuple[object, ...]], url: str) -> None:
    """Raise ``SchemaMismatch`` unless the database's schema is ``SCHEMA_VERSION``."""
    version = schema_version(connection)
    if version < SCHEMA_VERSION:
        raise SchemaMismatch(
            f"{redacted(url)}: the database's schema is version {version}, this newsmirror "
            f"needs {SCHEMA_VERSION}; run `newsmirror db upgrade`"
        )
    if version > SCHEMA_VERSION:
        raise SchemaMismatch(
            f"{redacted(url)}: the database's schema is version {version}, newer than this "
            f"newsmirror knows ({SCHEMA_VERSION}); upgrade newsmirror on this machine"
        )


def upgrade(connection: psycopg.Connection[tuple[object, ...]], url: str) -> tuple[int, int]:
    """Apply the migrations the database lacks; (version before, version after)."""
    try:
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (UPGRADE_LOCK,))
            connection.execute(
                """CREATE TABLE IF NOT EXISTS schema_version(
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())"""
            )
            before = schema_version(connection)
            if before > SCHEMA_VERSION:
                check(connection, url)
            for version, name, sql in migrations()[before:]:
                with connection.transaction():  # a savepoint: the error names the file
                    try:
                        connection.execute(sql.encode())
                    except psycopg.Error as error:
                        raise StoreError(
                            f"{redacted(url)}: migration {name} failed ({reason(error)}); "
                            "nothing of it was applied"
                        ) from None
                    connection.execute(
                        "INSERT INTO schema_version(version, name) VALUES (%s, %s)",
                        (version, name),
                    )
    except psycopg.OperationalError as error:
        raise StoreError(f"{redacted(url)}: the upgrade failed ({reason(error)})") from None
    return before, max(before, SCHEMA_VERSION)


def connect(url: str, **options: object) -> psycopg.Connection[tuple[object, ...]]:
    """A connection to ``url`` whose schema is this newsmirror's (else ``SchemaMismatch``)."""
    connection = open_connection(url, **options)
    try:
        check(connection, url)
    except BaseException:
        connection.close()
        raise
    return connection


def open_pool(url: str, max_size: int = 4) -> ConnectionPool:
    """A pool of up to ``max_size`` connections to ``url``, once one connection has shown that
    the database can be reached and its schema is this newsmirror's."""
    connect(url).close()
    pool: ConnectionPool = ConnectionPool(
        url,
        min_size=1,
        max_size=max_size,
        kwargs={"connect_timeout": CONNECT_TIMEOUT},
        open=False,
    )
    pool.open(wait=True, timeout=CONNECT_TIMEOUT)
    return pool
