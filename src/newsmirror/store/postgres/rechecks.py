"""Re-checks of article pages in the shared database (protocols.RecheckQueue)."""

from __future__ import annotations

from collections.abc import Sequence

from newsmirror.store.model import Due
from newsmirror.store.postgres.database import Database

DAY = 86400.0


class PostgresRecheckQueue:
    db: Database

    def due_checks(
        self, now: float, offsets: Sequence[float], limit: int, sources: Sequence[str]
    ) -> list[Due]:
        if not offsets or not sources:
            return []
        past = (max(offsets) + max(max(offsets), DAY)) * 1000
        # The n-th look (checks = n) is due offsets[n] after the schedule starts.
        rows = self.db.rows(
            """SELECT id, checks FROM (
                   SELECT id, checks, first_seen_ms + (%(steps)s::float8[])[checks + 1] AS due_ms
                   FROM articles WHERE url IS NOT NULL AND checks < %(looks)s
                   AND first_seen_ms > %(oldest)s AND source = ANY(%(sources)s)) due
               WHERE due_ms <= %(now)s ORDER BY due_ms, id LIMIT %(limit)s""",
            {
                "steps": [offset * 1000 for offset in offsets],
                "looks": len(offsets),
                "oldest": now * 1000 - past,
                "sources": list(sources),
                "now": now * 1000,
                "limit": max(0, limit),
            },
        )
        return [Due(article, checks + 1) for article, checks in rows]

    def articles_since(self, source: str, since_ms: int) -> list[str]:
        rows = self.db.rows(
            """SELECT id FROM articles WHERE source = %s AND url IS NOT NULL AND time_ms >= %s
               ORDER BY time_ms, path""",
            (source, since_ms),
        )
        return [row[0] for row in rows]

    def page_validators(self, article: str) -> tuple[str | None, str | None]:
        row = self.db.one(
            "SELECT page_etag, page_last_modified FROM articles WHERE id = %s", (article,)
        )
        return (row[0], row[1]) if row else (None, None)

    def checked(
        self, article: str, looks: int, etag: str | None, last_modified: str | None
    ) -> None:
        self.db.run(
            """UPDATE articles SET checks = greatest(checks, %s), page_etag = %s,
               page_last_modified = %s WHERE id = %s""",
            (looks, etag, last_modified, article),
        )
