"""Which private store an archive has: its own accounts.sqlite, or, when the archive lives in a
shared database (``[store] url``), that database, where every ``serve`` process finds it."""

from __future__ import annotations

from pathlib import Path

from newsmirror.accounts.postgres import open_private
from newsmirror.accounts.protocols import PrivateStore
from newsmirror.accounts.sqlite import SQLitePrivateStore, private_path


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
