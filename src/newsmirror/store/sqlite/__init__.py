"""The state and article index in SQLite (``.newsmirror/state.sqlite``): a cache of the
record, rebuilt from it at will (store.protocols.Store).

What is here: per-source fetch state (validators, schedule, errors), and an index of the record
(articles, their identity keys, where each revision sits in the record, which revision the
mirror file shows). Deleting the file loses nothing: the index is rebuilt from the record, and
lost validators only cost one unconditional fetch. One module per concern; this one joins them
and follows the record (store.follow).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from newsmirror.record.log import Entry
from newsmirror.store.files import positions, transaction
from newsmirror.store.follow import FollowsEntries
from newsmirror.store.sqlite.articles import SQLiteArticles, take_in
from newsmirror.store.sqlite.browsing import SQLiteBrowsing
from newsmirror.store.sqlite.ledger import SQLiteProjectionLedger
from newsmirror.store.sqlite.rechecks import SQLiteRecheckQueue
from newsmirror.store.sqlite.schema import FROM_RECORD, open_state
from newsmirror.store.sqlite.sources import SQLiteSourceStates


class SQLiteStore(
    SQLiteArticles,
    SQLiteSourceStates,
    SQLiteRecheckQueue,
    SQLiteProjectionLedger,
    SQLiteBrowsing,
    FollowsEntries,
):
    """The store at ``path`` (made when missing). Raises DamagedCache for a damaged file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = open_state(path)

    def close(self) -> None:
        self.db.close()

    # Following the record

    def positions(self) -> Mapping[str, int]:
        return positions(self.db)

    def reset(self) -> None:
        with transaction(self.db):
            for table in FROM_RECORD:
                self.db.execute(f"DELETE FROM {table}")

    def apply(self, batch: Sequence[Entry]) -> None:
        with transaction(self.db):
            take_in(self.db, batch)


__all__ = ["SQLiteStore"]
