"""The archive's SQLite caches (``state.sqlite``, ``search.sqlite``): connections whose every
fault is a ``StoreError`` naming the file and what to do (the CLI prints it as one line): a full
disk, a damaged file, one whose tables are not ours, one that cannot be written. What both
caches share is here too: their transactions, and the check that a file holds our tables."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newsmirror.errors import DamagedCache, DiskFull, StoreError

_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_UNWRITABLE = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM}
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}


def fault(path: Path, error: sqlite3.Error) -> StoreError:
    """The error to raise for ``error`` on the cache at ``path``."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return DiskFull(f"{path}: the disk is full; free space and run again (nothing is lost)")
    if code in _DAMAGED or str(error).startswith(("no such table", "no such column")):
        return DamagedCache(
            f"{path}: damaged ({error}); it is a cache: delete it, and the next command "
            "rebuilds it from the record"
        )
    if code in _UNWRITABLE or code == sqlite3.SQLITE_IOERR:
        return StoreError(f"{path}: cannot be read or written ({error}); check the disk")
    if code in _BUSY:
        return StoreError(f"{path}: busy ({error}); another process holds it: try again")
    return StoreError(f"{path}: {error}; delete it if this persists (it is rebuilt)")


class CacheCursor(sqlite3.Cursor):
    """A cursor whose rows, read as they come, raise ``fault()``'s errors."""

    path = Path()

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.Error as error:
            raise fault(self.path, error) from error

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.Error as error:
            raise fault(self.path, error) from error

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.Error as error:
            raise fault(self.path, error) from error


class CacheConnection(sqlite3.Connection):
    """A connection whose statements and rows raise ``fault()``'s errors."""

    path = Path()

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            cursor = self.cursor(CacheCursor)
            assert isinstance(cursor, CacheCursor)
            cursor.path = self.path
            return cursor.execute(sql, parameters)
        except sqlite3.Error as error:
            raise fault(self.path, error) from error

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.Error as error:
            raise fault(self.path, error) from error

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        try:
            return super().executescript(script)
        except sqlite3.Error as error:
            raise fault(self.path, error) from error

    def close(self) -> None:
        try:
            super().close()
        except sqlite3.Error as error:
            raise fault(self.path, error) from error


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection to the cache at ``path`` (made when missing, unless ``readonly``)."""
    try:
        if readonly:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            db = sqlite3.connect(uri, uri=True, isolation_level=None, factory=CacheConnection)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, isolation_level=None, factory=CacheConnection)
    except sqlite3.Error as error:
        raise fault(path, error) from error
    assert isinstance(db, CacheConnection)
    db.path = path
    return db


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: committed when the block ends, rolled back when it raises."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.in_transaction:  # a fault may have ended it already
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def tables(db: sqlite3.Connection) -> dict[str, str]:
    """Each table, index and trigger of ``db`` (FTS5's own tables included) -> its SQL."""
    return {
        name: sql or ""
        for name, sql in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        )
    }


def made_by(statements: Sequence[str]) -> dict[str, str]:
    """What ``tables`` finds in a new database made by ``statements``."""
    scratch = sqlite3.connect(":memory:")
    try:
        for statement in statements:
            scratch.execute(statement)
        return {
            name: sql or ""
            for name, sql in scratch.execute(
                "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            )
        }
    finally:
        scratch.close()


def check_tables(db: sqlite3.Connection, expected: dict[str, str]) -> None:
    """Raise DamagedCache unless ``db`` holds the tables ``expected`` (``made_by``) as they are
    made: a file that says it is of this version but holds other tables was not made by it.
    (Tables of its own that someone added are left alone.)"""
    found = tables(db)
    odd = sorted(name for name, sql in expected.items() if found.get(name) != sql)
    if odd:
        path = getattr(db, "path", "cache")
        raise DamagedCache(
            f"{path}: its tables are not this version's ({', '.join(odd[:3])}); it is a cache: "
            "delete it, and the next command rebuilds it from the record"
        )


# How far a cache has read each record file (store.follow): the same table in both caches.
POSITIONS = (
    "CREATE TABLE IF NOT EXISTS record_files(file TEXT PRIMARY KEY, indexed_to INTEGER NOT NULL)"
)


def positions(db: sqlite3.Connection) -> dict[str, int]:
    """Record file -> bytes of it taken in."""
    return dict(db.execute("SELECT file, indexed_to FROM record_files"))


def advance(db: sqlite3.Connection, ends: dict[str, int]) -> None:
    """Note that the record was taken in up to ``ends`` (file -> byte); never moves back."""
    db.executemany(
        """INSERT INTO record_files(file, indexed_to) VALUES(?, ?) ON CONFLICT(file)
           DO UPDATE SET indexed_to = max(indexed_to, excluded.indexed_to)""",
        ends.items(),
    )
