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


def pause_left(count: int, since: float) -> float | None:
    """Seconds an address with ``count`` failures, the last ``since`` seconds ago, must still
    wait (0: go ahead); None when it is to be forgotten."""
    if count < FREE_FAILURES:
        return 0.0
    if since > FORGET_AFTER:
        return None
    pause = min(LONGEST_WAIT, FIRST_WAIT * 2.0 ** (count - FREE_FAILURES))
    return max(0.0, pause - since)


class Throttle:
    """The failures this process has seen (an archive of one machine; see shared_throttle)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures: dict[str, _Failures] = {}

    def wait(self, address: str) -> float:
        """Seconds ``address`` must still wait before its next try (0: go ahead)."""
        found = self.failures.get(address)
        if found is None:
            return 0.0
        left = pause_left(found.count, self.clock() - found.last)
        if left is None:
            del self.failures[address]
            return 0.0
        return left

    def failed(self, address: str) -> None:
        found = self.failures.pop(address, None)  # re-inserted: dict order is recency
        count = found.count + 1 if found else 1
        self.failures[address] = _Failures(count, self.clock())
        if len(self.failures) > MOST_ADDRESSES:
            del self.failures[next(iter(self.failures))]

    def succeeded(self, address: str) -> None:
        self.failures.pop(address, None)
