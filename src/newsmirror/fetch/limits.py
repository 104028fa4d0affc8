"""Concurrency limits: requests in flight overall and per host, and per host across every
process that shares a ``HostGate`` (the workers of one database)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Protocol


class HostGate(Protocol):
    """Per-host slots shared with other processes: ``async with gate.slot(host):`` around one
    request."""

    def slot(self, host: str) -> AbstractAsyncContextManager[None]: ...


class Limiter:
    """A global semaphore plus one semaphore per host, dropped when the host goes idle.

    Dropping idle hosts keeps the table small although images come from many hosts. The host
    slot is taken before the global one, so requests queued for one busy host wait without
    holding global slots that requests to other hosts could use; a shared ``gate``'s slot is
    taken between the two, for the same reason.
    """

    def __init__(self, total: int, per_host: int, gate: HostGate | None = None) -> None:
        # Zero would block forever; the settings allow it, so treat it as one.
        self._total = asyncio.Semaphore(max(1, total))
        self._per_host = max(1, per_host)
        self._hosts: dict[str, tuple[asyncio.Semaphore, int]] = {}
        self._gate = gate

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        semaphore, users = self._hosts.get(host, (asyncio.Semaphore(self._per_host), 0))
        self._hosts[host] = (semaphore, users + 1)
        try:
            shared = self._gate.slot(host) if self._gate else nullcontext()
            async with semaphore, shared, self._total:
                yield
        finally:
            semaphore, users = self._hosts[host]
            if users == 1:
                del self._hosts[host]
            else:
                self._hosts[host] = (semaphore, users - 1)
