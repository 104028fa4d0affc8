"""Which private store an archive has: its own accounts.sqlite, or, when the archive lives in a
shared database (``[store] url``), that database, where every ``serve`` process finds it; and
accounts copied from one to the other (``users import``, ``migrate``)."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from newsmirror.accounts.postgres import PostgresPrivateStore, open_private
from newsmirror.accounts.protocols import PrivateStore
from newsmirror.accounts.sqlite import SQLitePrivateStore, private_path
from newsmirror.errors import RefusedInput
from newsmirror.store.postgres.connection import redacted
from newsmirror.store.postgres.database import Database


def open_private_store(root: Path, url: str | None, *, create: bool = True) -> PrivateStore | None:
    """The private store of the archive at ``root`` whose ``[store] url`` is ``url``; None when
    it is accounts.sqlite, which does not exist, and ``create`` is false."""
    if url:
        return open_private(url)
    path = private_path(root)
    if not create and not path.exists():
        return None
    return SQLitePrivateStore(path)


def copy_accounts(source: PrivateStore, target: PrivateStore) -> int:
    """Copy every account, item id, mark and the marks' history from ``source`` into
    ``target``, which has none (else ConfigError); the number of accounts copied."""
    data = source.export()
    target.load(data)
    return len(data["users"])


def carry_accounts(source: PrivateStore, target: PrivateStore, where: str) -> int:
    """``copy_accounts`` for ``migrate``, which may run again: nothing to carry, or ``target``
    (at ``where``) holding these very accounts and marks already, copies none; ``target``
    holding others is refused (RefusedInput), and left as it is."""
    data = source.export()
    if not data["users"] and not data["mark_log"]:
        return 0
    theirs = target.export()
    if theirs["users"] or theirs["mark_log"]:
        if (theirs["users"], theirs["mark_log"]) == (data["users"], data["mark_log"]):
            return 0
        raise RefusedInput(
            f"{where}: holds other reader accounts; the record was copied, the accounts were "
            "not: move them aside there (`users export`), then run migrate again"
        )
    target.load(data)
    return len(data["users"])


def accounts_to_database(root: Path, database: Database) -> int:
    """The archive's accounts.sqlite, if it has one, into ``database`` (``migrate`` Part)."""
    path = private_path(root)
    if not path.is_file():
        return 0
    with closing(SQLitePrivateStore(path)) as source:
        # Not closed: ``database`` is the caller's.
        return carry_accounts(source, PostgresPrivateStore(database), redacted(database.url))


def accounts_to_files(database: Database, folder: Path) -> int:
    """The database's accounts, if it has any, into ``folder``'s accounts.sqlite."""
    source = PostgresPrivateStore(database)
    if not source.users() and not source.export()["mark_log"]:
        return 0
    with closing(SQLitePrivateStore(private_path(folder))) as target:
        return carry_accounts(source, target, str(private_path(folder)))
