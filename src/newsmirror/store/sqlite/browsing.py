"""What readers browse, from ``state.sqlite`` (protocols.Browsing)."""

from __future__ import annotations

import sqlite3

from newsmirror.record.model import RevisionKind
from newsmirror.store.model import MAX_PAGE_ATTEMPTS, Listed, Shelved, browse_filter

SHELVED = """id, source, path, title, url, time_ms, rev, change, record_file, record_offset,
    summary_only"""


class SQLiteBrowsing:
    db: sqlite3.Connection

    def browse(
        self,
        source: str | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Shelved]:
        where, values = browse_filter("?", source, start_ms, end_ms)
        rows = self.db.execute(
            f"""SELECT {SHELVED} FROM articles {where}
                ORDER BY time_ms DESC, path DESC LIMIT ? OFFSET ?""",
            (*values, -1 if limit is None else max(0, limit), max(0, offset)),
        )
        return list(map(Shelved._make, rows))

    def browse_count(
        self, source: str | None = None, start_ms: int | None = None, end_ms: int | None = None
    ) -> int:
        where, values = browse_filter("?", source, start_ms, end_ms)
        return int(self.db.execute(f"SELECT count(*) FROM articles {where}", values).fetchone()[0])

    def days(self, source: str, offset_ms: int) -> list[tuple[str, int]]:
        rows = self.db.execute(
            """SELECT date((time_ms + ?) / 1000, 'unixepoch') AS day, count(*) FROM articles
               WHERE source = ? GROUP BY day ORDER BY day DESC""",
            (offset_ms, source),
        )
        return [(day, count) for day, count in rows]

    def shelved(self, reference: str) -> Shelved | None:
        row = self.db.execute(
            f"SELECT {SHELVED} FROM articles WHERE id = ? OR path = ?", (reference, reference)
        ).fetchone()
        return Shelved(*row) if row else None

    def listed(self, source: str, limit: int, *, adopted: bool = True) -> list[Listed]:
        rows = self.db.execute(
            f"""SELECT source, path, title, time_ms, change = '{RevisionKind.REMOVED}', summary_only
               FROM articles WHERE source = ? {"" if adopted else "AND NOT adopted"}
               ORDER BY time_ms DESC, path DESC LIMIT ?""",
            (source, max(0, limit)),
        )
        return [
            Listed(source, path, title, ms, bool(gone), bool(summary))
            for source, path, title, ms, gone, summary in rows
        ]

    def sources_with_articles(self) -> list[str]:
        rows = self.db.execute("SELECT DISTINCT source FROM articles ORDER BY 1")
        return [row[0] for row in rows]

    def article_counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT source, count(*) FROM articles GROUP BY source"))

    def summary_only_counts(self) -> dict[str, tuple[int, int]]:
        rows = self.db.execute(
            """SELECT source, count(*), sum(page_attempts < ?) FROM articles
               WHERE summary_only GROUP BY source""",
            (MAX_PAGE_ATTEMPTS,),
        )
        return {source: (count, retried) for source, count, retried in rows}

    def data_version(self) -> int:
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])
