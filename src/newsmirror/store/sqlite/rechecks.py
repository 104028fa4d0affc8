"""Re-checks of article pages in ``state.sqlite`` (protocols.RecheckQueue)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from newsmirror.store.model import Due

DAY = 86400.0


class SQLiteRecheckQueue:
    db: sqlite3.Connection

    def due_checks(
        self, now: float, offsets: Sequence[float], limit: int, sources: Sequence[str]
    ) -> list[Due]:
        if not offsets or not sources:
            return []
        steps = " ".join("WHEN ? THEN ?" for _ in offsets)
        step_values = [value for n, offset in enumerate(offsets) for value in (n, offset * 1000)]
        past = (max(offsets) + max(max(offsets), DAY)) * 1000
        rows = self.db.execute(
            f"""SELECT id, checks FROM (
                    SELECT id, checks, first_seen_ms + (CASE checks {steps} END) AS due_ms
                    FROM articles WHERE url IS NOT NULL AND checks < ? AND first_seen_ms > ?
                    AND source IN ({",".join("?" * len(sources))}))
                WHERE due_ms <= ? ORDER BY due_ms, id LIMIT ?""",
            (*step_values, len(offsets), now * 1000 - past, *sources, now * 1000, limit),
        )
        return [Due(article, checks + 1) for article, checks in rows]

    def articles_since(self, source: str, since_ms: int) -> list[str]:
        rows = self.db.execute(
            """SELECT id FROM articles WHERE source = ? AND url IS NOT NULL AND time_ms >= ?
               ORDER BY time_ms, path""",
            (source, since_ms),
        )
        return [row[0] for row in rows]

    def page_validators(self, article: str) -> tuple[str | None, str | None]:
        row = self.db.execute(
            "SELECT page_etag, page_last_modified FROM articles WHERE id = ?", (article,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def checked(
        self, article: str, looks: int, etag: str | None, last_modified: str | None
    ) -> None:
        self.db.execute(
            """UPDATE articles SET checks = max(checks, ?), page_etag = ?,
               page_last_modified = ? WHERE id = ?""",
            (looks, etag, last_modified, article),
        )
