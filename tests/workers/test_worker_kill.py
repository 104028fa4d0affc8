"""Three `newsmirror worker` processes on one database and a loopback farm of feeds with
pages behind them, one killed with `kill -9` while passes are in its hands: every article is
recorded exactly once, nothing is lost (the killed worker's leases expire and the others take
its sources over), and the mirror projected afterwards is byte for byte the one a single
`newsmirror run` of the same feeds makes."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from archive_helpers import make_archive, mirror, nm
from farm import Farm, Running, counts, rows, shared, wait_for
from server import LocalServer

FEEDS, ITEMS = 12, 8


def test_a_worker_killed_mid_pass_loses_nothing_and_records_nothing_twice(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    farm = Farm(server, feeds=FEEDS, items=ITEMS, delay=0.02)
    monkeypatch.setenv("NEWSMIRROR_FETCH_PER_HOST_CONCURRENCY", "6")
    root = shared(tmp_path, farm, monkeypatch, pg_url, full_text="always")
    monkeypatch.setenv("NEWSMIRROR_FETCH_TIMEOUT", "120")  # the held answers never time out
    workers = [Running(root, "--concurrency", "2", "--lease", "2s") for _ in range(3)]
    victim = workers[0]
    recorded = "SELECT count(*) FROM record"
    wait_for(lambda: rows(pg_url, recorded)[0][0] >= ITEMS * 2, "some articles recorded")
    farm.opened.clear()  # every answer from now on waits: the passes in hand stay in hand
    held_by_victim = f"""SELECT count(*) FROM source_leases JOIN workers ON worker = id
                         WHERE pid = {victim.process.pid}"""
    wait_for(lambda: rows(pg_url, held_by_victim)[0][0] > 0, "the victim to hold a source")
    assert rows(pg_url, recorded)[0][0] < FEEDS * ITEMS  # in the middle
    victim.process.send_signal(signal.SIGKILL)  # the worker alone: its helpers live on
    assert victim.wait(read_all=False) == -signal.SIGKILL
    farm.opened.set()

    wait_for(
        lambda: (
            rows(pg_url, "SELECT count(*) FROM sources WHERE last_success IS NOT NULL")
            == [(FEEDS,)]
        ),
        "every source's pass, the victim's taken over",
    )
    for survivor in workers[1:]:
        assert survivor.stop() == 0, survivor.err
    # The killed worker is still listed, its heartbeat growing old; nothing is held by anyone.
    assert rows(pg_url, "SELECT pid FROM workers") == [(victim.process.pid,)]
    assert rows(pg_url, "SELECT count(*) FROM source_leases WHERE expires > now()") == [(0,)]

    assert rows(pg_url, "SELECT count(*), count(DISTINCT article), max(rev) FROM record") == [
        (FEEDS * ITEMS, FEEDS * ITEMS, 1)
    ]
    assert counts(pg_url) == {f"s{k:02}": ITEMS for k in range(FEEDS)}

    # The publisher's projection of the shared record, beside a single process's run.
    assert nm(root, "run") == 0
    monkeypatch.delenv("NEWSMIRROR_STORE_URL")
    alone = make_archive(tmp_path / "alone", farm.sources(), monkeypatch, full_text="always")
    assert nm(alone, "run") == 0
    assert len([path for path in mirror(alone) if path.startswith("articles/")]) == FEEDS * ITEMS
    assert mirror(root) == mirror(alone)
