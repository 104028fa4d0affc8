"""Worker processes: the one place a pool is started, so every pool starts its workers the same,
safe way.

A forked worker starts in milliseconds and imports nothing again (not even the caller's
``__main__``, so a script without a ``__main__`` guard cannot start itself over), but ``fork``
copies only the calling thread: a lock another thread holds at that moment (the event loop's
resolver threads, a pool's own manager thread) stays locked forever in the child. So a pool is
forked from a process that runs one thread, and started from a fork server otherwise: a clean,
single-threaded process that imported ``preload`` once and forks each worker from there.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)


def start_method() -> str:
    """``fork`` while this process runs one thread (and the system can fork), else the fork
    server (or ``spawn`` where there is none, as on Windows)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_pool(
    workers: int, preload: Sequence[str] = (), *, ignore_interrupts: bool = False
) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes. ``preload``: modules a fork server imports once for all
    its workers (the ones whose functions they run); a forked pool has them already.
    ``ignore_interrupts``: a terminal's Ctrl-C (sent to the whole process group) leaves the
    workers be, for a caller that answers it by finishing the work in hand."""
    method = start_method()
    context = multiprocessing.get_context(method)
    if method == "forkserver" and preload:
        context.set_forkserver_preload(list(preload))  # once: a running server keeps its own
    log.debug("%d worker processes, started by %s", workers, method)
    initializer = _ignore_interrupts if ignore_interrupts else None
    return ProcessPoolExecutor(workers, mp_context=context, initializer=initializer)


def cpus() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
