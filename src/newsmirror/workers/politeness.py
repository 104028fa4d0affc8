"""Per-host politeness across every worker of one database: ``[fetch] per_host_concurrency``
means what it means for one process, requests in flight to one host at once, for all the
workers together. Each request holds one of the host's slots, a ``host_slots`` row taken with
one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` (two workers taking the last free slot at
once: one gets it, the other sees it taken and waits), for at most the request's deadline, or
until its worker is gone (killed: its heartbeat older than its lease)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from newsmirror.settings.config import FetchSettings
from newsmirror.store.postgres.database import Database

# A slot is held while its request's deadline has not passed and its worker is alive (its
# last heartbeat younger than its lease).
_HELD = """({slot}.worker IS NOT NULL AND {slot}.expires > now() AND EXISTS (
    SELECT FROM workers holder WHERE holder.id = {slot}.worker
    AND holder.heartbeat + make_interval(secs => holder.lease) > now()))"""
_TAKE = f"""
    INSERT INTO host_slots (host, slot, worker, expires)
    SELECT %(host)s, free.slot, %(worker)s, now() + make_interval(secs => %(seconds)s)
    FROM generate_series(0, %(slots)s - 1) AS free(slot)
    WHERE NOT EXISTS (
        SELECT FROM host_slots held WHERE held.host = %(host)s AND held.slot = free.slot
        AND {_HELD.format(slot="held")})
    ORDER BY free.slot LIMIT 1
    ON CONFLICT (host, slot) DO UPDATE SET worker = excluded.worker, expires = excluded.expires
    WHERE NOT {_HELD.format(slot="host_slots")}
    RETURNING slot"""

# Waiting for a slot: look again soon, then less often (a request takes that long or more).
FIRST_WAIT, LONGEST_WAIT = 0.01, 0.25
# A slot outlives its request's deadline by this much before another worker may take it.
MARGIN = 5.0


class SharedHosts:
    """A ``fetch.limits.HostGate`` whose slots are in the database, held by ``worker``."""

    def __init__(self, db: Database, worker: int, settings: FetchSettings) -> None:
        self.db, self.worker = db, worker
        self.slots = max(1, settings.per_host_concurrency)
        # One attempt is bounded by the timeout (and a proxied one's target check by the
        # connect timeout); retries wait outside the slot.
        self.seconds = settings.timeout + settings.connect_timeout + MARGIN

    def take(self, host: str) -> int | None:
        """One of ``host``'s slots, now held by this worker; None when all are taken."""
        row = self.db.one(
            _TAKE,
            {"host": host, "worker": self.worker, "seconds": self.seconds, "slots": self.slots},
        )
        return None if row is None else int(row[0])

    def give_back(self, host: str, slot: int) -> None:
        with self.db.connection() as connection:
            connection.execute(
                "UPDATE host_slots SET worker = NULL, expires = NULL "
                "WHERE host = %s AND slot = %s AND worker = %s",
                (host, slot, self.worker),
            )

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        wait = FIRST_WAIT
        while (taken := self.take(host)) is None:
            await asyncio.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT)
        try:
            yield
        finally:
            self.give_back(host, taken)
