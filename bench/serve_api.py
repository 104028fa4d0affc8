"""The reader-app APIs under load, for ``bench/serve.py --api``: many users, each with their
own marks, asking for unread counts and 100-item streams as apps do when they sync."""

from __future__ import annotations

import random
import statistics
import threading
import time
from pathlib import Path

import httpx

from corpus import SOURCES
from newsmirror.accounts import credentials
from newsmirror.accounts.sqlite import SQLitePrivateStore, private_path

READ = "user/-/state/com.google/read"
API = "/api/greader/reader/api/0"


def add_users(root: Path, count: int) -> list[str]:
    """``count`` accounts; returns their Authorization headers."""
    store = SQLitePrivateStore(private_path(root))
    headers = []
    try:
        for n in range(count):
            name, password = f"reader{n}", f"password-{n}"
            user = store.add_user(
                name,
                credentials.hash_password(password),
                credentials.new_token_key(),
                credentials.fever_lookup(credentials.fever_key(name, password)),
            )
            headers.append(f"GoogleLogin auth={credentials.api_token(user)}")
    finally:
        store.close()
    return headers


def give_marks(root: Path, count: int, rng: random.Random) -> int:
    """Each user has read some of the archive: a few sources up to a point, and scattered
    items; a few are starred. Returns the marks written."""
    store = SQLitePrivateStore(private_path(root))
    try:
        last = store.last_item()
        sources = [abbr for _, abbr in SOURCES]
        written = 0
        for user in range(1, count + 1):
            read_sources = tuple(rng.sample(sources, k=rng.randint(0, len(sources) // 2)))
            if read_sources:
                written += store.mark_all_read(user, read_sources, None)
            scattered = rng.sample(range(1, last + 1), k=min(last, 2000))
            written += store.mark(user, scattered, "read", True)
            written += store.mark(user, scattered[:50], "starred", True)
        return written
    finally:
        store.close()


def first_sync(base: str, header: str) -> None:
    """The first API request (a new server numbers every article of the index as it starts)."""
    httpx.get(base + API + "/unread-count", headers={"Authorization": header}, timeout=600)


REQUESTS = {
    "unread-count": API + "/unread-count",
    "stream 100 items": API + f"/stream/contents?n=100&xt={READ}",
}


def one_user(base: str, header: str, rounds: int) -> dict[str, list[float]]:
    """One user alone, request after request: what a request costs without waiting for others."""
    latencies: dict[str, list[float]] = {kind: [] for kind in REQUESTS}
    with httpx.Client(base_url=base, headers={"Authorization": header}, timeout=60) as client:
        for _ in range(rounds):
            for kind, path in REQUESTS.items():
                started = time.perf_counter()
                client.get(path).raise_for_status()
                latencies[kind].append((time.perf_counter() - started) * 1000)
    return latencies


def users_reading(
    base: str, headers: list[str], seconds: float, think: float
) -> dict[str, list[float]]:
    """Every user, in a thread of its own, asks for its unread counts and then its newest 100
    unread items, and reads for ``think`` seconds (on average) before the next sync; the
    latency of each request in ms, by kind."""
    latencies: dict[str, list[float]] = {kind: [] for kind in REQUESTS}
    lock = threading.Lock()
    # Every client is made before any user starts: making one costs tens of ms of this
    # process's time, which would otherwise be counted in the others' first requests.
    clients = [
        httpx.Client(base_url=base, headers={"Authorization": header}, timeout=60)
        for header in headers
    ]
    stop = time.monotonic() + seconds

    def user(client: httpx.Client, seed: int) -> None:
        rng = random.Random(seed)
        time.sleep(rng.uniform(0, think))  # users do not start in step
        while time.monotonic() < stop:
            for kind, path in REQUESTS.items():
                started = time.perf_counter()
                answer = client.get(path)
                took = (time.perf_counter() - started) * 1000
                if answer.status_code != 200:
                    raise SystemExit(f"{path}: HTTP {answer.status_code} {answer.text[:200]}")
                with lock:
                    latencies[kind].append(took)
            time.sleep(rng.expovariate(1 / think))

    threads = [threading.Thread(target=user, args=(c, n)) for n, c in enumerate(clients)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for client in clients:
            client.close()
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(title: str, latencies: dict[str, list[float]], seconds: float) -> bool:
    """Prints the figures; True when every p99 is within 100 ms."""
    print(f"\n{title:32} {'requests':>9} {'per s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    within = True
    for kind, values in latencies.items():
        p99 = percentile(values, 0.99)
        within = within and p99 <= 100
        print(
            f"{kind:32} {len(values):9,} {len(values) / seconds:7.1f} "
            f"{statistics.median(values):8.1f} {p99:8.1f} {max(values):8.1f}"
        )
    return within
