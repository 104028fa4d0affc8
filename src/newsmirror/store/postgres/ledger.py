"""Which mirror files show their article's latest revision, in the shared database
(protocols.ProjectionLedger)."""

from __future__ import annotations

from collections.abc import Iterable

from newsmirror.store.model import Pending
from newsmirror.store.postgres.database import Database


class PostgresProjectionLedger:
    db: Database

    def unprojected(self) -> list[Pending]:
        rows = self.db.rows(
            """SELECT id, record_file, record_offset FROM articles
               WHERE projected_rev < rev ORDER BY record_file, record_offset"""
        )
        return list(map(Pending._make, rows))

    def mark_projected(self, articles: Iterable[str]) -> None:
        self.db.run("UPDATE articles SET projected_rev = rev WHERE id = ANY(%s)", (list(articles),))

    def mark_all_unprojected(self) -> None:
        self.db.run("UPDATE articles SET projected_rev = 0")
