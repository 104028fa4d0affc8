"""The store's way into the shared database: a pool of connections whose every fault is a
``StoreError`` of one line naming the database (its URL without the password) and what to do,
never psycopg's own exception. Each ``connection()`` block is one transaction: committed when
the block ends, rolled back, all of it, when it raises; a block that writes is a ``write()``.
Inside a ``together()`` block every ``connection()`` of the thread is that block's one
transaction: the record, the store and the search index take in a batch all or nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors
from psycopg_pool import ConnectionPool

from newsmirror.errors import Conflict, DamagedCache, DiskFull, StoreError
from newsmirror.store.postgres.connection import reason, redacted
from newsmirror.store.postgres.schema import open_pool

Connection = psycopg.Connection[tuple[Any, ...]]
Row = tuple[Any, ...]


def fault(url: str, error: psycopg.Error) -> StoreError:
    """The error to raise for ``error`` on the database at ``url``."""
    where, said = redacted(url), reason(error)
    if isinstance(error, errors.DiskFull | errors.OutOfMemory):
        return DiskFull(f"{where}: the database is out of space ({said}); free space on its server")
    if isinstance(error, errors.UndefinedTable | errors.UndefinedColumn | errors.UndefinedFunction):
        return DamagedCache(
            f"{where}: the store's tables are not this version's ({said}); "
            "restore the database, or make a new one with `newsmirror db upgrade`"
        )
    if isinstance(
        error, errors.UniqueViolation | errors.DeadlockDetected | errors.SerializationFailure
    ):
        return Conflict(
            f"{where}: refused, another process recorded it first ({said}); nothing of the "
            "batch was kept: try again later"
        )
    if isinstance(error, psycopg.OperationalError):
        return StoreError(
            f"{where}: the database cannot be used ({said}); check that the server is running "
            "and run again (nothing half-written was kept)"
        )
    return StoreError(f"{where}: the database refused a write or read ({said})")


class Database:
    """The database ``pool`` connects to, at ``url`` (what messages name, without password)."""

    def __init__(self, pool: ConnectionPool, url: str) -> None:
        self.pool, self.url = pool, url
        self._checked: set[str] = set()  # tables found already: each is asked for once
        self._held = threading.local()  # the connection of this thread's together() block

    def check_tables(self, tables: Sequence[str]) -> None:
        """Raise ``DamagedCache`` unless the database has ``tables``."""
        wanted = [table for table in tables if table not in self._checked]
        if not wanted:
            return
        row = self.one(
            "SELECT array_agg(t) FROM unnest(%s::text[]) t WHERE to_regclass(t) IS NULL",
            (wanted,),
        )
        missing = row[0] if row and row[0] else []
        if missing:
            raise DamagedCache(
                f"{redacted(self.url)}: the database lacks the table {', '.join(missing)} "
                "although its schema version says it has it; restore the database, or make a "
                "new one with `newsmirror db upgrade`"
            )
        self._checked.update(wanted)

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """One connection, and one transaction, for the block (``together()``'s, inside it)."""
        held: Connection | None = getattr(self._held, "connection", None)
        if held is not None:
            yield held
            return
        try:
            with self.pool.connection() as connection:
                yield connection
        except psycopg.Error as error:
            raise fault(self.url, error) from None

    @contextmanager
    def together(self) -> Iterator[None]:
        """One transaction for everything the thread does with the database in the block:
        committed when it ends, none of it kept when it raises."""
        if getattr(self._held, "connection", None) is not None:
            yield  # already in one
            return
        with self.connection() as connection:
            self._held.connection = connection
            try:
                yield
            finally:
                self._held.connection = None

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One connection, and one transaction that writes the store, for the block: when it
        ends, the store's version moves (``data_version``), last, and all of it commits."""
        with self.connection() as connection:
            yield connection
            connection.execute("UPDATE store_version SET version = version + 1")

    def rows(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        with self.connection() as connection:
            return connection.execute(sql, parameters).fetchall()

    def one(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Row | None:
        with self.connection() as connection:
            return connection.execute(sql, parameters).fetchone()

    def run(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> None:
        """A statement that writes the store, in a transaction of its own (``write``)."""
        with self.write() as connection:
            connection.execute(sql, parameters)


def open_database(url: str, tables: Sequence[str], max_size: int = 4) -> Database:
    """The database at ``url``, its schema this newsmirror's (else ``SchemaMismatch``), with
    ``tables`` (else ``DamagedCache``)."""
    database = Database(open_pool(url, max_size), url)
    try:
        database.check_tables(tables)
    except BaseException:
        database.close()
        raise
    return database
