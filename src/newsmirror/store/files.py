"""The archive's SQLite caches (``state.sqlite``, ``search.sqlite``): connections whose faults,
a full disk, a damaged file or one that cannot be written, are errors naming the file and what
to do (the CLI prints them as one line). Mistakes in our own SQL stay sqlite3 errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import ArchiveError, DamagedCache, DiskFull

_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_UNWRITABLE = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM}


def fault(path: Path, error: sqlite3.Error) -> ArchiveError | None:
    """The error to raise for ``error`` on the cache at ``path``; None when it is no fault of
    the file or the disk."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return DiskFull(f"{path}: the disk is full; free space and run again (nothing is lost)")
    if code in _DAMAGED:
        return DamagedCache(
            f"{path}: damaged ({error}); it is a cache: delete it, and the next command "
            "rebuilds it from the record"
        )
    if code in _UNWRITABLE or code == sqlite3.SQLITE_IOERR:
        return ArchiveError(f"{path}: cannot be read or written ({error}); check the disk")
    return None


class CacheConnection(sqlite3.Connection):
    """A connection whose statements raise ``fault()``'s errors."""

    path = Path()

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as error:
            raise fault(self.path, error) or error from None

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.Error as error:
            raise fault(self.path, error) or error from None

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        try:
            return super().executescript(script)
        except sqlite3.Error as error:
            raise fault(self.path, error) or error from None


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
        raise fault(path, error) or ArchiveError(f"{path}: cannot open: {error}") from None
    assert isinstance(db, CacheConnection)
    db.path = path
    return db
