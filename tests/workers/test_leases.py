"""Leases in the shared database: two workers never hold one source or one re-check, a lease
that is not renewed expires and another worker takes the work over, and a due source is only
leased once due. Against a real, throwaway PostgreSQL cluster."""

from __future__ import annotations

import threading

from newsmirror.store.model import Due, SourceState
from newsmirror.store.postgres import PostgresStore
from newsmirror.store.postgres.database import Database
from newsmirror.workers.leases import (
    due_sources,
    lease_checks,
    lease_sources,
    offer_sources,
    release_checks,
    release_source,
)
from newsmirror.workers.registry import (
    deregister,
    heartbeat,
    open_workers,
    register,
    workers,
)

NOW = 2_000_000_000.0  # every source below is due by then
ABBRS = [f"s{n:02}" for n in range(40)]


def held(db: Database) -> dict[str, int]:
    rows = db.rows("SELECT abbr, worker FROM source_leases WHERE worker IS NOT NULL")
    return {abbr: worker for abbr, worker in rows}


def test_two_workers_leasing_at_once_never_get_the_same_source(pg_url: str, db: Database) -> None:
    offer_sources(db, ABBRS)
    got: dict[int, list[str]] = {}

    def lease_all(worker: int) -> None:
        mine = open_workers(pg_url)  # a process of its own would have its own connections
        try:
            while taken := lease_sources(mine, worker, ABBRS, NOW, 3, 60):
                got[worker] += taken
        finally:
            mine.close()

    ids = [register(db, 60) for _ in range(4)]
    for worker in ids:
        got[worker] = []
    threads = [threading.Thread(target=lease_all, args=(worker,)) for worker in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [abbr for taken in got.values() for abbr in taken]
    assert sorted(every) == ABBRS  # each source leased once, none left out
    assert held(db) == {abbr: worker for worker, taken in got.items() for abbr in taken}
    assert due_sources(db, ABBRS, NOW) == 0


def test_a_source_is_leased_when_due_and_free_and_released_when_its_pass_ends(
    pg_url: str, db: Database
) -> None:
    store = PostgresStore(pg_url)
    try:
        store.save_source_state(SourceState("s00", next_due=NOW + 60))  # not due yet
        store.save_source_state(SourceState("s01", next_due=NOW - 60))
    finally:
        store.close()
    offer_sources(db, ["s00", "s01", "s02"])
    offer_sources(db, ["s00"])  # offered again: the lease rows stay as they are
    one, two = register(db, 60), register(db, 60)
    assert lease_sources(db, one, ["s00", "s01", "s02"], NOW, 10, 60) == ["s01", "s02"]
    assert lease_sources(db, two, ["s00", "s01", "s02"], NOW, 10, 60) == []
    assert due_sources(db, ["s00", "s01", "s02"], NOW) == 0
    release_source(db, two, "s01")  # not its lease: nothing happens
    assert held(db) == {"s01": one, "s02": one}
    release_source(db, one, "s01")
    assert due_sources(db, ["s00", "s01", "s02"], NOW) == 1
    assert lease_sources(db, two, ["s00", "s01", "s02"], NOW, 10, 60) == ["s01"]
    assert lease_sources(db, two, ["s00"], NOW + 61, 10, 60) == ["s00"]  # due now


def test_a_lease_not_renewed_expires_and_another_worker_takes_the_source_over(
    db: Database,
) -> None:
    offer_sources(db, ["s00", "s01"])
    lost, alive, other = register(db, 60), register(db, 60), register(db, 60)
    assert lease_sources(db, lost, ["s00"], NOW, 1, 0.2) == ["s00"]
    assert lease_sources(db, alive, ["s01"], NOW, 1, 0.2) == ["s01"]
    heartbeat(db, alive, 3600)  # the live worker renews its lease; the lost one never does
    taken: list[str] = []
    while not taken:  # until the lost worker's lease has expired
        assert lease_sources(db, other, ["s01"], NOW, 1, 60) == []
        taken = lease_sources(db, other, ["s00", "s01"], NOW, 2, 60)
    assert taken == ["s00"]
    assert held(db) == {"s00": other, "s01": alive}
    release_source(db, lost, "s00")  # the lost worker, back, ends a lease it no longer has
    assert held(db) == {"s00": other, "s01": alive}


def test_deregistering_frees_every_lease_of_the_worker(db: Database) -> None:
    offer_sources(db, ABBRS[:3])
    leaving, staying = register(db, 60), register(db, 60)
    assert lease_sources(db, leaving, ABBRS[:3], NOW, 2, 60) == ABBRS[:2]
    assert lease_checks(db, leaving, [Due("a", 1), Due("b", 1)], 10, 60) == [
        Due("a", 1),
        Due("b", 1),
    ]
    assert [(row.sources, row.rechecks) for row in workers(db)] == [(2, 2), (0, 0)]
    deregister(db, leaving)
    assert [row.pid for row in workers(db)] == [workers(db)[0].pid]
    assert lease_sources(db, staying, ABBRS[:3], NOW, 5, 60) == ABBRS[:3]
    assert lease_checks(db, staying, [Due("a", 1), Due("b", 1)], 10, 60) == [
        Due("a", 1),
        Due("b", 1),
    ]


def test_re_checks_are_leased_by_one_worker_and_taken_over_when_expired(
    pg_url: str, db: Database
) -> None:
    due = [Due(f"article-{n:03}", 1) for n in range(60)]
    got: dict[int, list[Due]] = {}

    def lease_all(worker: int) -> None:
        mine = open_workers(pg_url)
        try:
            got[worker] = lease_checks(mine, worker, due, 1000, 60)
        finally:
            mine.close()

    ids = [register(db, 60) for _ in range(3)]
    threads = [threading.Thread(target=lease_all, args=(worker,)) for worker in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(check for taken in got.values() for check in taken) == due

    late = register(db, 60)
    assert lease_checks(db, late, due, 1000, 60) == []
    first = ids[0]
    release_checks(db, first, [check.article for check in got[first]])
    assert lease_checks(db, late, due, 5, 60) == sorted(got[first])[:5]  # at most the limit
    short = register(db, 60)
    mine = lease_checks(db, short, [Due("expiring", 1)], 1, 0.2)
    assert mine == [Due("expiring", 1)]
    while not (taken := lease_checks(db, late, [Due("expiring", 1)], 1, 60)):
        pass  # until the short lease has expired
    assert taken == [Due("expiring", 1)]
