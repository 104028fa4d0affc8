"""Per-host politeness in the shared database: a host's slots are shared by every worker, a
request waits for a free one, and a slot its holder never gave back (a worker killed in the
middle of a request) is free again once the request's deadline has passed, or once the worker's
heartbeat is older than its lease."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from newsmirror.settings.config import FetchSettings
from newsmirror.store.postgres.database import Database
from newsmirror.workers.politeness import SharedHosts
from newsmirror.workers.registry import deregister, heartbeat, register

TWO = replace(FetchSettings(), per_host_concurrency=2)


def test_a_request_of_any_worker_waits_while_the_host_s_slots_are_taken(db: Database) -> None:
    first, second = SharedHosts(db, register(db, 60), TWO), SharedHosts(db, register(db, 60), TWO)
    events: list[str] = []

    async def request(gate: SharedHosts, host: str, name: str, hold: asyncio.Event) -> None:
        async with gate.slot(host):
            events.append(f"{name} starts")
            await hold.wait()
            events.append(f"{name} ends")

    async def scenario() -> None:
        holds = [asyncio.Event() for _ in range(4)]
        a = asyncio.create_task(request(first, "a.example", "a1", holds[0]))
        b = asyncio.create_task(request(second, "a.example", "a2", holds[1]))
        while len(events) < 2:
            await asyncio.sleep(0.01)
        c = asyncio.create_task(request(second, "a.example", "a3", holds[2]))
        d = asyncio.create_task(request(first, "b.example", "b1", holds[3]))  # another host
        while "b1 starts" not in events:
            await asyncio.sleep(0.01)
        assert "a3 starts" not in events  # both of a.example's slots are taken
        holds[0].set()
        await a
        while "a3 starts" not in events:
            await asyncio.sleep(0.01)
        for hold in holds:
            hold.set()
        await asyncio.gather(b, c, d)

    asyncio.run(scenario())
    assert events.index("a1 ends") < events.index("a3 starts")
    assert db.rows("SELECT count(*) FROM host_slots WHERE worker IS NOT NULL") == [(0,)]


def test_a_slot_never_given_back_is_free_once_its_deadline_has_passed(db: Database) -> None:
    brief = replace(FetchSettings(), per_host_concurrency=1, timeout=0.1, connect_timeout=0.1)
    killed, alive = register(db, 60), register(db, 60)
    lost = SharedHosts(db, killed, brief)
    lost.seconds = 0.3  # its deadline, margin included
    assert lost.take("a.example") == 0  # and it dies holding the slot
    waiting = SharedHosts(db, alive, brief)
    assert waiting.take("a.example") is None

    async def take() -> None:
        async with waiting.slot("a.example"):
            assert db.rows("SELECT worker FROM host_slots") == [(alive,)]

    asyncio.run(take())
    assert db.rows("SELECT worker FROM host_slots") == [(None,)]


def test_a_worker_deregistered_frees_its_slots(db: Database) -> None:
    one, other = register(db, 60), register(db, 60)
    assert SharedHosts(db, one, TWO).take("a.example") == 0
    assert SharedHosts(db, one, TWO).take("a.example") == 1
    assert SharedHosts(db, other, TWO).take("a.example") is None
    deregister(db, one)
    assert SharedHosts(db, other, TWO).take("a.example") == 0


def test_a_slot_of_a_worker_gone_silent_is_free_before_its_deadline(db: Database) -> None:
    killed, alive = register(db, 0.2), register(db, 60)
    assert SharedHosts(db, killed, TWO).take("a.example") == 0  # for a deadline 45 s away
    assert SharedHosts(db, killed, TWO).take("a.example") == 1
    waiting = SharedHosts(db, alive, TWO)
    heartbeat(db, killed, 0.2)  # alive a moment longer, then never again

    async def take() -> None:
        async with waiting.slot("a.example"), waiting.slot("a.example"):
            assert db.rows("SELECT worker FROM host_slots") == [(alive,), (alive,)]

    asyncio.run(take())
