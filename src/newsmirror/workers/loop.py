"""One worker at work: lease what is due, pass it as ``run`` would (without writing the mirror
files: the publisher writes them from the projection ledger), release it, and again, until asked
to stop; then finish the work in hand and return.

Up to ``concurrency`` sources are in hand at once, and one round of re-checks beside them. A
pass that another worker's record beat (``errors.Conflict``) is not the source's failure: its
state is left as it was, so the source is due again and is passed again, by whichever worker
leases it, against a record that now holds the other worker's revisions.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from newsmirror.archive.archive import Archive
from newsmirror.errors import Conflict
from newsmirror.fetch import Fetcher, Getter
from newsmirror.ingest.images import ImageBudget
from newsmirror.ingest.recheck import check_due
from newsmirror.ingest.run import RECHECKS, Outcome, pass_source
from newsmirror.prepare.candidates import Preparer
from newsmirror.record.warc import WarcRecorder
from newsmirror.settings.sources import Source
from newsmirror.store.model import Due
from newsmirror.store.postgres.database import Database
from newsmirror.workers.leases import (
    held_checks,
    lease_checks,
    lease_sources,
    offer_sources,
    release_checks,
    release_source,
)
from newsmirror.workers.politeness import SharedHosts

log = logging.getLogger(__name__)

# How long a worker with nothing to lease waits before it looks again; for re-checks (whose
# list costs the database more to make) up to RECHECK_IDLE_SECONDS, or the first re-check's
# delay when that is shorter.
IDLE_SECONDS = 1.0
RECHECK_IDLE_SECONDS = 30.0


@dataclass(frozen=True)
class Lease:
    """What a worker holds and for how long: ``seconds`` after its last heartbeat."""

    db: Database
    worker: int
    seconds: float


@dataclass
class Worked:
    """What a worker did until it stopped."""

    passes: int = 0  # sources passed (failed ones included)
    conflicts: int = 0  # passes another worker's record beat: to be passed again
    rechecks: int = 0  # pages looked at again


class Worker:
    """The passes and re-checks of one worker process."""

    def __init__(
        self,
        archive: Archive,
        lease: Lease,
        concurrency: int,
        on_outcome: Callable[[Outcome], None],
    ) -> None:
        self.archive, self.lease = archive, lease
        self.concurrency = max(1, concurrency)
        self.on_outcome = on_outcome
        self.sources = {s.abbr: s for s in archive.settings.sources if s.enabled and s.url}
        self.worked = Worked()
        offsets = archive.settings.recheck_seconds
        self.recheck_idle = min([RECHECK_IDLE_SECONDS, *offsets[:1]])
        self.next_recheck = 0.0  # (monotonic) when to look for due re-checks again

    async def work(self, stop: asyncio.Event) -> Worked:
        """Work until ``stop`` is set, then finish what is in hand. Cancelled, the passes in
        hand are cancelled too; either way every lease taken is released."""
        archive, lease = self.archive, self.lease
        offer_sources(lease.db, list(self.sources))
        gate = SharedHosts(lease.db, lease.worker, archive.settings.fetch)
        with Preparer(archive.policy) as preparer, WarcRecorder(archive.root) as recorder:
            capture = recorder if archive.settings.record.warc else None
            async with Fetcher(archive.settings.fetch, capture, gate) as fetcher:
                in_hand: set[asyncio.Task[None]] = set()
                stopping = asyncio.create_task(stop.wait())
                try:
                    while not stop.is_set():
                        in_hand |= self._lease(fetcher, preparer, in_hand)
                        done, _ = await asyncio.wait(
                            in_hand | {stopping},
                            timeout=IDLE_SECONDS,
                            return_when=asyncio.FIRST_COMPLETED,
                        )
                        finished = done - {stopping}
                        in_hand -= finished
                        for task in finished:
                            task.result()  # a fault of the disk or database ends the worker
                    if in_hand:
                        log.info("finishing the %d passes in hand", len(in_hand))
                        await asyncio.gather(*in_hand)
                finally:
                    stopping.cancel()
                    for task in in_hand:
                        task.cancel()
                    await asyncio.gather(*in_hand, stopping, return_exceptions=True)
        return self.worked

    def _lease(
        self, fetcher: Getter, preparer: Preparer, in_hand: set[asyncio.Task[None]]
    ) -> set[asyncio.Task[None]]:
        """Tasks for the due sources and re-checks leased now, as many as there is room for."""
        lease, now = self.lease, datetime.now(UTC)
        checking = any(task.get_name() == RECHECKS.abbr for task in in_hand)
        room = self.concurrency - (len(in_hand) - checking)
        leased = lease_sources(
            lease.db, lease.worker, list(self.sources), now.timestamp(), room, lease.seconds
        )
        tasks = {
            asyncio.create_task(self._pass(fetcher, preparer, self.sources[abbr]))
            for abbr in leased
        }
        if checking or time.monotonic() < self.next_recheck:
            return tasks
        if checks := self._lease_checks(now):
            recheck = self._recheck(fetcher, preparer, checks)
            tasks.add(asyncio.create_task(recheck, name=RECHECKS.abbr))
        else:
            self.next_recheck = time.monotonic() + self.recheck_idle
        return tasks

    def _lease_checks(self, now: datetime) -> list[Due]:
        """The due re-checks leased now: up to ``[record] recheck_limit``."""
        settings, lease = self.archive.settings, self.lease
        limit = settings.record.recheck_limit
        if not limit:
            return []

        def due() -> list[Due]:
            # As many more as the workers hold, so those in their hands are passed over.
            return self.archive.store.due_checks(
                now.timestamp(),
                settings.recheck_seconds,
                limit + held_checks(lease.db),
                list(self.sources),
            )

        taken = lease_checks(lease.db, lease.worker, due(), limit, lease.seconds)
        if not taken:
            return []
        # A look another worker noted between the list and the lease (it freed its lease
        # after noting) is no longer due: asked again now, the list says so.
        still = set(due())
        release_checks(lease.db, lease.worker, [c.article for c in taken if c not in still])
        return [check for check in taken if check in still]

    async def _pass(self, fetcher: Getter, preparer: Preparer, source: Source) -> None:
        archive, lease = self.archive, self.lease
        images = ImageBudget.of(archive.settings.mirror)
        try:
            outcome = await pass_source(
                archive, fetcher, preparer, source, datetime.now(UTC), images, project=False
            )
        except Conflict as conflict:
            self.worked.conflicts += 1
            log.info("%s: to be passed again: %s", source.abbr, conflict)
            return
        finally:
            release_source(lease.db, lease.worker, source.abbr)
        self.worked.passes += 1
        self.on_outcome(outcome)

    async def _recheck(self, fetcher: Getter, preparer: Preparer, checks: list[Due]) -> None:
        lease = self.lease
        try:
            tally = await check_due(self.archive, fetcher, preparer, checks, datetime.now(UTC))
        except Conflict as conflict:
            log.info("re-checks to be looked at again: %s", conflict)
            return
        finally:
            release_checks(lease.db, lease.worker, [check.article for check in checks])
        self.worked.rechecks += tally.seen
        self.on_outcome(Outcome(RECHECKS, tally=tally))
