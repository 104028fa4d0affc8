"""Which mirror files show their article's latest revision, in ``state.sqlite``
(protocols.ProjectionLedger)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from newsmirror.store.files import transaction
from newsmirror.store.model import Pending


class SQLiteProjectionLedger:
    db: sqlite3.Connection

    def unprojected(self) -> list[Pending]:
        rows = self.db.execute(
            """SELECT id, record_file, record_offset FROM articles
               WHERE projected_rev < rev ORDER BY record_file, record_offset"""
        )
        return list(map(Pending._make, rows))

    def mark_projected(self, shown: Iterable[tuple[str, int]]) -> None:
        with transaction(self.db):
            self.db.executemany(
                "UPDATE articles SET projected_rev = max(projected_rev, ?2) WHERE id = ?1", shown
            )

    def mark_all_unprojected(self) -> None:
        self.db.execute("UPDATE articles SET projected_rev = 0")
