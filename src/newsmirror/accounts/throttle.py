"""Slowing down guessing: after a few failed logins or bad tokens from one address, that
address waits, twice as long after each further failure, before it may try again."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

FREE_FAILURES = 5  # failures before any wait
FIRST_WAIT = 2.0  # seconds, doubled for each further failure
LONGEST_WAIT = 900.0
FORGET_AFTER = 3600.0  # an address quiet this long starts afresh
MOST_ADDRESSES = 100_000  # memory bound: the oldest are forgotten past it


@dataclass
class _Failures:
    count: int
    last: float


class Throttle:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures: dict[str, _Failures] = {}

    def wait(self, address: str) -> float:
        """Seconds ``address`` must still wait before its next try (0: go ahead)."""
        found = self.failures.get(address)
        if found is None or found.count < FREE_FAILURES:
            return 0.0
        since = self.clock() - found.last
        if since > FORGET_AFTER:
            del self.failures[address]
            return 0.0
        pause = min(LONGEST_WAIT, FIRST_WAIT * 2.0 ** (found.count - FREE_FAILURES))
        return max(0.0, pause - since)

    def failed(self, address: str) -> None:
        found = self.failures.pop(address, None)  # re-inserted: dict order is recency
        count = found.count + 1 if found else 1
        self.failures[address] = _Failures(count, self.clock())
        if len(self.failures) > MOST_ADDRESSES:
            del self.failures[next(iter(self.failures))]

    def succeeded(self, address: str) -> None:
        self.failures.pop(address, None)
