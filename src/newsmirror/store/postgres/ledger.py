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

    def mark_projected(self, shown: Iterable[tuple[str, int]]) -> None:
        pairs = list(shown)
        self.db.run(
            """UPDATE articles a SET projected_rev = greatest(a.projected_rev, s.rev)
               FROM unnest(%s::text[], %s::integer[]) AS s(id, rev) WHERE a.id = s.id""",
            ([article for article, _ in pairs], [rev for _, rev in pairs]),
        )

    def mark_all_unprojected(self) -> None:
        self.db.run("UPDATE articles SET projected_rev = 0")
