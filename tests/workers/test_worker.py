"""`newsmirror worker` processes on a shared database: Ctrl-C and SIGTERM finish the pass in
hand and free the rest, a second signal cuts the pass short, two workers keep per-host
politeness together, and `status` shows the workers and the work due."""

from __future__ import annotations

import itertools
import os
import signal
import socket
from pathlib import Path

import pytest

from archive_helpers import make_archive, nm
from farm import Farm, Running, counts, rows, shared, summary_only, wait_for
from newsmirror.workers.leases import lease_sources, offer_sources
from newsmirror.workers.registry import open_workers, register
from server import LocalServer


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_finishes_the_pass_in_hand_then_frees_everything_and_exits_0(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pg_url: str,
    number: int,
) -> None:
    farm = Farm(server, feeds=3, items=3, held=("/feed/1.xml",))
    root = shared(tmp_path, farm, monkeypatch, pg_url, full_text="always")
    farm.opened.clear()  # the second feed's answer waits
    worker = Running(root, "--concurrency", "1")
    wait_for(lambda: "/feed/1.xml" in dict(farm.starts).values(), "the second feed's request")
    worker.send(number)
    wait_for(lambda: worker.said("stopping: finishing the work in hand"), "the worker to stop")
    farm.opened.set()
    assert worker.wait() == 0, worker.err

    # The pass in hand was finished, its pages fetched and extracted after the signal (by
    # helper processes started for the pass before, which a terminal's Ctrl-C reaches too);
    # the third source was left untouched.
    fetched = sorted(path for _, path in farm.starts)
    assert fetched == [f"/feed/{k}.xml" for k in (0, 1)] + [
        f"/page/{k}/{n}.html" for k in (0, 1) for n in range(3)
    ]
    assert counts(pg_url) == {"s00": 3, "s01": 3}, "\n".join(worker.out + worker.err)
    assert summary_only(pg_url) == {}  # each with its page's full text
    assert any(line.startswith("s00") for line in worker.out), worker.out
    assert "worker stopped: 2 passes, 0 pages re-checked" in worker.out
    assert rows(pg_url, "SELECT count(*) FROM workers") == [(0,)]
    assert rows(pg_url, "SELECT abbr, worker FROM source_leases ORDER BY abbr") == [
        ("s00", None),
        ("s01", None),
        ("s02", None),
    ]
    assert rows(pg_url, "SELECT count(*) FROM host_slots WHERE worker IS NOT NULL") == [(0,)]


def test_a_second_signal_cuts_the_pass_short_and_frees_its_source(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    farm = Farm(server, feeds=1, items=2)
    root = shared(tmp_path, farm, monkeypatch, pg_url)
    farm.opened.clear()
    worker = Running(root)
    wait_for(lambda: farm.starts, "the feed's request")
    worker.send()
    wait_for(lambda: worker.said("stopping"), "the worker to stop")
    worker.send()
    assert worker.wait() == 130
    farm.opened.set()
    assert any("cut short" in line for line in worker.err), worker.err
    assert counts(pg_url) == {}
    assert rows(pg_url, "SELECT count(*) FROM workers") == [(0,)]
    assert rows(pg_url, "SELECT worker FROM source_leases") == [(None,)]
    assert rows(pg_url, "SELECT next_due FROM sources") == []  # due again, at once


def test_two_workers_never_have_more_requests_in_flight_to_a_host_than_it_allows(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    farm = Farm(server, feeds=6, items=1, delay=0.2)
    root = shared(tmp_path, farm, monkeypatch, pg_url)
    monkeypatch.setenv("NEWSMIRROR_FETCH_PER_HOST_CONCURRENCY", "1")
    monkeypatch.setenv("NEWSMIRROR_FETCH_TIMEOUT", "120")  # the held answers below never time out
    farm.opened.clear()  # until both workers hold three sources each
    workers = [Running(root, "--concurrency", "3") for _ in range(2)]
    wait_for(
        lambda: (
            rows(
                pg_url,
                "SELECT count(DISTINCT worker), count(*) FROM source_leases WHERE worker > 0",
            )
            == [(2, 6)]
        ),
        "both workers to lease three sources each",
    )
    farm.opened.set()
    wait_for(
        lambda: (
            rows(pg_url, "SELECT count(*) FROM sources WHERE last_success IS NOT NULL") == [(6,)]
        ),
        "every source's pass",
    )
    for worker in workers:
        assert worker.stop() == 0, worker.err
        assert "worker stopped: 3 passes, 0 pages re-checked" in worker.out

    # Every request's answer starts `delay` after it arrives, and a request of either worker
    # starts only once the one before has been answered: none ever began while another was
    # still waiting for its answer.
    starts = sorted(moment for moment, _ in farm.starts)
    assert len(starts) == 6
    assert all(later - earlier >= farm.delay for earlier, later in itertools.pairwise(starts))


def test_status_shows_the_workers_and_the_work_due(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    farm = Farm(server, feeds=3, items=1)
    root = shared(tmp_path, farm, monkeypatch, pg_url)
    db = open_workers(pg_url)
    try:
        worker = register(db, 60)
        offer_sources(db, ["s00", "s01", "s02"])
        assert lease_sources(db, worker, ["s00"], 2e9, 1, 60) == ["s00"]
    finally:
        db.close()
    capsys.readouterr()
    assert nm(root, "status") == 0
    out = capsys.readouterr().out
    assert "workers: 1; due: 2 sources, 0 re-checks" in out
    row = next(line for line in out.splitlines() if str(os.getpid()) in line)
    assert socket.gethostname() in row
    assert "│ 1 " in row  # one source leased
    assert "ago" in row  # the last heartbeat


def test_a_worker_needs_a_shared_database_it_can_reach(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    farm = Farm(server, feeds=1, items=1)
    root = make_archive(tmp_path / "alone", farm.sources(), monkeypatch)
    assert nm(root, "worker") != 0
    err = capsys.readouterr().err
    assert "[store] url" in err
    assert len(err.strip().splitlines()) == 1
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", f"postgresql://newsmirror:pw@127.0.0.1:{port}/x")
    assert nm(root, "worker") == 1
    err = capsys.readouterr().err
    assert "cannot connect to the database" in err
    assert len(err.strip().splitlines()) == 1
    assert "pw" not in err
    assert farm.starts == []


def test_two_workers_look_again_at_each_due_page_once(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> None:
    farm = Farm(server, feeds=4, items=3)
    root = shared(tmp_path, farm, monkeypatch, pg_url, full_text="always")
    monkeypatch.setenv("NEWSMIRROR_RECORD_RECHECK", "1s")  # one look again, a second after
    workers = [Running(root, "--concurrency", "2") for _ in range(2)]
    wait_for(
        lambda: rows(pg_url, "SELECT count(*) FROM articles WHERE checks = 1") == [(12,)],
        "every page looked at again",
    )
    looked = 0
    for worker in workers:
        assert worker.stop() == 0, worker.err
        last = worker.out[-1]
        looked += int(last.split(", ")[1].split()[0])  # "worker stopped: P passes, N pages ..."
    assert looked == 12
    pages = sorted(path for _, path in farm.starts if path.startswith("/page/"))
    assert pages == sorted(2 * [f"/page/{k}/{n}.html" for k in range(4) for n in range(3)])
    assert rows(pg_url, "SELECT count(*) FROM recheck_leases") == [(0,)]
    assert counts(pg_url) == {f"s0{k}": 3 for k in range(4)}  # nothing new: the pages stood
