"""``newsmirror worker`` as a use-case: one worker of a shared database, registered while it
runs, its leases renewed by a heartbeat, until SIGINT or SIGTERM asks it to stop (it finishes
the passes in hand; a second signal cuts them short); and what ``status`` shows of the workers
and of the work waiting for them."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newsmirror.archive.archive import Archive
from newsmirror.ingest.run import Outcome
from newsmirror.store.postgres.database import Database
from newsmirror.workers.leases import due_sources
from newsmirror.workers.loop import Lease, Worked, Worker
from newsmirror.workers.registry import (
    WorkerRow,
    deregister,
    heartbeat,
    open_workers,
    register,
    workers,
)

log = logging.getLogger(__name__)

# Heartbeats per lease: a lease outlives two missed heartbeats.
BEATS_PER_LEASE = 3
# Re-checks counted for `status` at most (counting them means listing them).
RECHECKS_COUNTED = 10_000


@dataclass(frozen=True)
class WorkerResult:
    worked: Worked
    cut_short: bool  # a second signal cancelled the passes in hand


@contextmanager
def _registered(db: Database, lease_seconds: float) -> Iterator[int]:
    """This process's worker id while the block runs, its heartbeat beating in a thread (the
    passes may hold the event loop for a while); deregistered, its leases freed, at the end."""
    worker = register(db, lease_seconds)
    log.info("registered as worker %d", worker)
    done = threading.Event()

    def beat() -> None:
        while not done.wait(lease_seconds / BEATS_PER_LEASE):
            try:
                heartbeat(db, worker, lease_seconds)
            except Exception as error:  # the loop meets the same fault and ends the worker
                log.warning("heartbeat failed: %s", error)

    beating = threading.Thread(target=beat, name="heartbeat", daemon=True)
    beating.start()
    try:
        yield worker
    finally:
        done.set()
        beating.join()
        deregister(db, worker)
        log.info("worker %d deregistered", worker)


async def _until_signalled(worker: Worker) -> bool:
    """Run ``worker`` until SIGINT or SIGTERM; whether a second signal cut it short."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    task = asyncio.current_task()
    assert task is not None

    def on_signal() -> None:
        if stop.is_set():
            task.cancel()
        else:
            log.info("stopping: finishing the work in hand")
            stop.set()

    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, on_signal)
    try:
        await worker.work(stop)
    except asyncio.CancelledError:
        return True
    finally:
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(number)
    return False


def run_worker(
    root: Path,
    concurrency: int,
    lease_seconds: float,
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
) -> WorkerResult:
    """Work as one worker of the archive's shared database until signalled to stop."""
    with Archive(root, lock=False) as archive:
        db = open_workers(archive.settings.store.url)
        try:
            with _registered(db, lease_seconds) as worker_id:
                worker = Worker(
                    archive, Lease(db, worker_id, lease_seconds), concurrency, on_outcome
                )
                cut_short = asyncio.run(_until_signalled(worker))
        finally:
            db.close()
    return WorkerResult(worker.worked, cut_short)


@dataclass(frozen=True)
class Workload:
    """The workers of a shared database and the work waiting for them."""

    workers: list[WorkerRow]
    due_sources: int  # due, and held by no worker
    due_rechecks: int  # at most RECHECKS_COUNTED


def workload(archive: Archive) -> Workload:
    """What ``status`` shows of the workers of ``archive``'s database."""
    settings = archive.settings
    now = datetime.now(UTC).timestamp()
    abbrs = [s.abbr for s in settings.sources if s.enabled and s.url]
    checks = archive.store.due_checks(now, settings.recheck_seconds, RECHECKS_COUNTED, abbrs)
    db = open_workers(settings.store.url)
    try:
        return Workload(workers(db), due_sources(db, abbrs, now), len(checks))
    finally:
        db.close()
