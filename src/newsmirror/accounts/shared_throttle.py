"""The throttle on guessing (throttle.py) with its counts in the shared database: behind a
proxy, the serve processes of an archive count one address's failures together, so a guesser
gets no more tries from being spread over them. Their machines' clocks are taken to agree
(NTP), as they must for the record's times anyway."""

from __future__ import annotations

import time
from collections.abc import Callable

from newsmirror.accounts.throttle import FORGET_AFTER, pause_left
from newsmirror.store.postgres.database import Database, open_database


class SharedThrottle:
    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.db: Database = open_database(url, ["reader_failures"], max_size=2)

    def close(self) -> None:
        self.db.close()

    def wait(self, address: str) -> float:
        """Seconds ``address`` must still wait before its next try (0: go ahead)."""
        row = self.db.one("SELECT count, last FROM reader_failures WHERE address = %s", (address,))
        if row is None:
            return 0.0
        left = pause_left(int(row[0]), self.clock() - float(row[1]))
        if left is None:
            self.succeeded(address)
            return 0.0
        return left

    def failed(self, address: str) -> None:
        now = self.clock()
        with self.db.connection() as connection:
            connection.execute(
                """INSERT INTO reader_failures(address, count, last) VALUES (%s, 1, %s)
                   ON CONFLICT (address) DO UPDATE SET last = excluded.last,
                   count = CASE WHEN reader_failures.last < excluded.last - %s THEN 1
                           ELSE reader_failures.count + 1 END""",
                (address, now, FORGET_AFTER),
            )
            # Quiet addresses are forgotten: the table stays small.
            connection.execute("DELETE FROM reader_failures WHERE last < %s", (now - FORGET_AFTER,))

    def succeeded(self, address: str) -> None:
        with self.db.connection() as connection:
            connection.execute("DELETE FROM reader_failures WHERE address = %s", (address,))
