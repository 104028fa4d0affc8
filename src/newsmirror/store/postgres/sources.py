"""Per-source fetch state in the shared database (protocols.SourceStates)."""

from __future__ import annotations

import dataclasses

from newsmirror.store.model import SourceState
from newsmirror.store.postgres.database import Database

COLUMNS = tuple(field.name for field in dataclasses.fields(SourceState))
_SAVE = f"""
    INSERT INTO sources ({", ".join(COLUMNS)}) VALUES ({", ".join(["%s"] * len(COLUMNS))})
    ON CONFLICT (abbr) DO UPDATE SET
    {", ".join(f"{column} = excluded.{column}" for column in COLUMNS[1:])}"""


class PostgresSourceStates:
    db: Database

    def source_state(self, abbr: str) -> SourceState:
        row = self.db.one(f"SELECT {', '.join(COLUMNS)} FROM sources WHERE abbr = %s", (abbr,))
        return SourceState(*row) if row else SourceState(abbr)

    def save_source_state(self, state: SourceState) -> None:
        self.db.run(_SAVE, dataclasses.astuple(state))

    def forget_source(self, abbr: str) -> None:
        self.db.run("DELETE FROM sources WHERE abbr = %s", (abbr,))
