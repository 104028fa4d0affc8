"""Concurrency limits: requests in flight overall and per host."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Limiter:
    """A global semaphore plus one semaphore per host, dropped when the host goes idle.

    Dropping idle hosts keeps the table small although images come from many hosts. The host
    slot is taken before the global one, so requests queued for one busy host wait without
    holding global slots that requests to other hosts could use.
    """

    def __init__(self, total: int, per_host: int) -> None:
        # Zero would block forever; the settings allow it, so treat it as one.
        self._total = asyncio.Semaphore(max(1, total))
        self._per_host = max(1, per_host)
        self._hosts: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore, users = self._hosts.get(host, (asyncio.Semaphore(self._per_host), 0))
        self._hosts[host] = (semaphore, users + 1)
        try:
            async with semaphore, self._total:
                yield
        finally:
            semaphore, users = self._hosts[host]
            if users == 1:
                del self._hosts[host]
            else:
                self._hosts[host] = (semaphore, users - 1)
