"""Per-source fetch state in ``state.sqlite`` (protocols.SourceStates)."""

from __future__ import annotations

import dataclasses
import sqlite3

from newsmirror.store.model import SourceState

COLUMNS = tuple(field.name for field in dataclasses.fields(SourceState))


class SQLiteSourceStates:
    db: sqlite3.Connection

    def source_state(self, abbr: str) -> SourceState:
        row = self.db.execute(
            f"SELECT {', '.join(COLUMNS)} FROM sources WHERE abbr = ?", (abbr,)
        ).fetchone()
        return SourceState(*row) if row else SourceState(abbr)

    def save_source_state(self, state: SourceState) -> None:
        self.db.execute(
            f"""INSERT OR REPLACE INTO sources({", ".join(COLUMNS)})
                VALUES({", ".join("?" * len(COLUMNS))})""",
            dataclasses.astuple(state),
        )

    def forget_source(self, abbr: str) -> None:
        self.db.execute("DELETE FROM sources WHERE abbr = ?", (abbr,))
