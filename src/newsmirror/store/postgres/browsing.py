"""What readers browse, from the shared database (protocols.Browsing)."""

from __future__ import annotations

from datetime import date, timedelta

from newsmirror.record.model import RevisionKind
from newsmirror.store.model import MAX_PAGE_ATTEMPTS, Listed, Shelved, browse_filter
from newsmirror.store.postgres.database import Database

SHELVED = """id, source, path, title, url, time_ms, rev, change, record_file, record_offset,
    summary_only::int"""
DAY_MS = 86_400_000
EPOCH = date(1970, 1, 1)


class PostgresBrowsing:
    db: Database

    def browse(
        self,
        source: str | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Shelved]:
        where, values = browse_filter("%s", source, start_ms, end_ms)
        rows = self.db.rows(
            f"""SELECT {SHELVED} FROM articles {where}
                ORDER BY time_ms DESC, path DESC LIMIT %s OFFSET %s""",
            (*values, None if limit is None else max(0, limit), max(0, offset)),
        )
        return list(map(Shelved._make, rows))

    def browse_count(
        self, source: str | None = None, start_ms: int | None = None, end_ms: int | None = None
    ) -> int:
        where, values = browse_filter("%s", source, start_ms, end_ms)
        row = self.db.one(f"SELECT count(*) FROM articles {where}", values)
        return int(row[0]) if row else 0

    def days(self, source: str, offset_ms: int) -> list[tuple[str, int]]:
        # Days are counted from the epoch in the database and named here: no time zone or
        # date style of the server's can change them.
        rows = self.db.rows(
            """SELECT div(time_ms + %s, %s) AS day, count(*) FROM articles
               WHERE source = %s GROUP BY day ORDER BY day DESC""",
            (offset_ms, DAY_MS, source),
        )
        return [((EPOCH + timedelta(days=int(day))).isoformat(), count) for day, count in rows]

    def shelved(self, reference: str) -> Shelved | None:
        row = self.db.one(
            f"SELECT {SHELVED} FROM articles WHERE id = %s OR path = %s LIMIT 1",
            (reference, reference),
        )
        return Shelved(*row) if row else None

    def listed(self, source: str, limit: int, *, adopted: bool = True) -> list[Listed]:
        rows = self.db.rows(
            f"""SELECT source, path, title, time_ms, change = %s, summary_only
               FROM articles WHERE source = %s {"" if adopted else "AND NOT adopted"}
               ORDER BY time_ms DESC, path DESC LIMIT %s""",
            (RevisionKind.REMOVED.value, source, max(0, limit)),
        )
        return [
            Listed(source, path, title, ms, bool(gone), bool(summary))
            for source, path, title, ms, gone, summary in rows
        ]

    def sources_with_articles(self) -> list[str]:
        rows = self.db.rows("SELECT DISTINCT source FROM articles ORDER BY 1")
        return [row[0] for row in rows]

    def article_counts(self) -> dict[str, int]:
        rows = self.db.rows("SELECT source, count(*) FROM articles GROUP BY source")
        return {source: int(count) for source, count in rows}

    def summary_only_counts(self) -> dict[str, tuple[int, int]]:
        rows = self.db.rows(
            """SELECT source, count(*), count(*) FILTER (WHERE page_attempts < %s)
               FROM articles WHERE summary_only GROUP BY source""",
            (MAX_PAGE_ATTEMPTS,),
        )
        return {source: (int(count), int(retried)) for source, count, retried in rows}

    def data_version(self) -> int:
        row = self.db.one("SELECT version FROM store_version")
        return int(row[0]) if row else 0
