"""The state and article index in the shared PostgreSQL database (``[store] url``): the same
cache of the record as store.sqlite keeps in ``state.sqlite`` (protocols.Store), for archives
whose processes share one database, where the record is too (record.PostgresRecord). It is
made from the record (store.follow) and made again at will, and the source state only costs an
unconditional fetch when lost. One module per concern; this one joins them and follows the
record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from newsmirror.record.log import Entry
from newsmirror.store.follow import FollowsEntries
from newsmirror.store.postgres.articles import PostgresArticles, take_in
from newsmirror.store.postgres.browsing import PostgresBrowsing
from newsmirror.store.postgres.database import Database, open_database
from newsmirror.store.postgres.ledger import PostgresProjectionLedger
from newsmirror.store.postgres.rechecks import PostgresRecheckQueue
from newsmirror.store.postgres.sources import PostgresSourceStates

# What ``reset`` empties: everything made from the record (sources' state is not).
FROM_RECORD = ("articles", "revisions", "article_keys", "images", "store_positions")
# The store's tables (migrations/0002_store.sql): a database of this schema version without
# one of them was changed by hand, and the store refuses it rather than half-work.
TABLES = (*FROM_RECORD, "sources", "store_version")


class PostgresStore(
    PostgresArticles,
    PostgresSourceStates,
    PostgresRecheckQueue,
    PostgresProjectionLedger,
    PostgresBrowsing,
    FollowsEntries,
):
    """The store in the database at ``url``, whose schema ``newsmirror db upgrade`` made.
    Raises StoreError when it cannot be reached, SchemaMismatch for another schema version,
    DamagedCache when its tables are missing. Given a ``Database``, the store shares its pool
    (and its ``together()`` transactions) with the record and the search index."""

    def __init__(self, url: str | Database) -> None:
        if isinstance(url, str):
            self.db = open_database(url, TABLES)
        else:
            self.db = url
            url.check_tables(TABLES)

    def close(self) -> None:
        self.db.close()

    # Following the record

    def positions(self) -> Mapping[str, int]:
        rows = self.db.rows("SELECT file, indexed_to FROM store_positions")
        return {file: int(end) for file, end in rows}

    def reset(self) -> None:
        with self.db.write() as connection:
            for table in FROM_RECORD:
                connection.execute(f"DELETE FROM {table}")

    def apply(self, batch: Sequence[Entry]) -> None:
        with self.db.write() as connection:
            take_in(connection, batch)


__all__ = ["PostgresStore"]
