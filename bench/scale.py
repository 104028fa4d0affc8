"""Scaling out: 1, 2 and 4 ``newsmirror worker`` processes against one PostgreSQL.

    python bench/scale.py [--feeds 2000] [--items 10] [--latency 0.2] [--hosts 100]
                          [--workers 1,2,4] [--concurrency 4]

A loopback farm in another process serves ``--feeds`` RSS feeds of ``--items`` items each, every
item a summary cut short (so each page is fetched and extracted), and every answer, feed or page,
starts ``--latency`` seconds after its request, as a distant site's would. The feeds are spread
over ``--hosts`` loopback addresses (127.0.0.1, 127.0.0.2, ...): politeness is per host, for all
the workers together, so a farm on one address would measure politeness, not the workers.

For each worker count, a fresh database of a throwaway cluster (tests/postgres.py) and a fresh
archive of the farm's feeds in shared mode; the workers run ``--concurrency`` sources each until
every item is recorded, then get Ctrl-C. Printed: items/s and pages/s over that time, the CPU
time of the database's processes and of the workers (helper processes included), the
database's share of the two, and the speed-up over one worker. Where ``newsmirror worker`` is
not there, one ``newsmirror run`` in shared mode is measured instead. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psycopg

from corpus import paragraphs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from postgres import LocalPostgres  # the tests' throwaway cluster

PATIENCE = 120.0  # seconds without a new article before a configuration is given up
TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class FarmShape:
    feeds: int
    items: int
    latency: float
    hosts: int

    def host(self, feed: int) -> str:
        return f"127.0.0.{1 + feed % self.hosts}"


def feed_xml(shape: FarmShape, port: int, k: int) -> bytes:
    base = f"http://{shape.host(k)}:{port}"
    items = "".join(
        f"<item><title>第{k}号源的第{n}篇文章</title><link>{base}/p/{k}/{n}.html</link>"
        f"<guid isPermaLink='false'>farm-{k}-{n}</guid>"
        f"<pubDate>Sat, 04 May 2024 {n % 24:02}:{k % 60:02}:00 GMT</pubDate>"
        "<description>中俄加深非正式同盟关系……阅读全文</description></item>"
        for n in range(shape.items)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>第{k}号源</title><link>{base}/</link><description>摘要</description>"
        f"{items}</channel></rss>"
    ).encode()


def page_html(title: str, body: str) -> bytes:
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta property="article:published_time" content="2024-05-04T02:32:08Z"></head>'
        f'<body><nav><a href="/">首页</a></nav><article><h1>{title}</h1>{body}</article>'
        "<footer>版权所有</footer></body></html>"
    ).encode()


def farm(shape: FarmShape, ready: Connection, served: Any) -> None:
    """Serve the farm until terminated; sends the port, then counts [feeds, pages] served."""
    rng, texts = random.Random(16), paragraphs()
    bodies = [
        "".join(f"<p>{html.escape(rng.choice(texts))}</p>" for _ in range(6)) for _ in range(64)
    ]

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while request := await reader.readuntil(b"\r\n\r\n"):
                path = request.split(b" ", 2)[1].decode()
                await asyncio.sleep(shape.latency)
                if path.startswith("/f") and path.endswith(".xml"):
                    body, kind, slot = feeds[int(path[2:-4])], "application/rss+xml", 0
                elif path.startswith("/p/"):
                    _, _, k, n = path.removesuffix(".html").split("/")
                    text = bodies[(int(k) * 7 + int(n)) % len(bodies)]
                    body, kind, slot = (
                        page_html(f"第{k}号源的第{n}篇文章", text),
                        "text/html; charset=utf-8",
                        1,
                    )

                else:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    continue
                served[slot] += 1
                head = f"HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}"
                writer.write(head.encode() + b"\r\n\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError, IndexError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        first = await asyncio.start_server(answer, "127.0.0.1", 0, backlog=1024)
        port = first.sockets[0].getsockname()[1]
        others = [
            await asyncio.start_server(answer, f"127.0.0.{h}", port, backlog=1024)
            for h in range(2, shape.hosts + 1)
        ]
        nonlocal feeds
        feeds = [feed_xml(shape, port, k) for k in range(shape.feeds)]
        ready.send(port)
        await asyncio.gather(first.serve_forever(), *(s.serve_forever() for s in others))

    feeds: list[bytes] = []
    asyncio.run(main())


def cpu_seconds(pids: set[int]) -> float:
    """CPU time of ``pids`` and every live process below them, with what their children that
    were waited for used (a helper pool that ended, a database backend that exited)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        times[pid] = sum(int(f) for f in fields[11:15]) / TICK  # utime stime cutime cstime
    found, frontier = set(), set(pids) & set(times)
    while frontier:
        found |= frontier
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
    return sum(times[p] for p in found)


@dataclass
class Result:
    label: str
    seconds: float
    items: int
    pages: int
    worker_cpu: float
    db_cpu: float

    def line(self, one: Result | None) -> str:
        rate = self.items / self.seconds
        share = self.db_cpu / max(1e-9, self.db_cpu + self.worker_cpu)
        said = (
            f"{self.label:<34}{self.seconds:>8.1f} s{rate:>10,.0f} items/s"
            f"{self.pages / self.seconds:>10,.0f} pages/s   CPU: workers {self.worker_cpu:,.0f} s,"
            f" database {self.db_cpu:,.0f} s ({share:.0%})"
        )
        if one is not None:
            said += f"   x{rate / (one.items / one.seconds):.2f} one worker"
        return said


def recorded(url: str) -> int:
    with psycopg.connect(url) as db:
        row = db.execute("SELECT count(*) FROM articles").fetchone()
        return int(row[0]) if row else 0


def newsmirror(*args: str) -> list[str]:
    cli = shutil.which("newsmirror", path=str(Path(sys.executable).parent)) or "newsmirror"
    return [cli, *args]


def has_worker() -> bool:
    done = subprocess.run(newsmirror("worker", "--help"), capture_output=True)
    return done.returncode == 0


def measure(
    label: str,
    commands: list[list[str]],
    env: dict[str, str],
    url: str,
    total: int,
    served: Any,
    postmaster: int,
) -> Result:
    """Start ``commands`` at once; stop them (Ctrl-C) when ``total`` articles are recorded."""
    pages_before, db_before = served[1], cpu_seconds({postmaster})
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            c, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        for c in commands
    ]
    count, changed, done = 0, started, started
    while count < total and time.perf_counter() - changed < PATIENCE:
        if all(p.poll() is not None for p in processes):
            break  # `run` ends by itself
        time.sleep(0.25)
        if (now := recorded(url)) != count:
            count, changed = now, time.perf_counter()
    count = recorded(url)
    done = time.perf_counter()
    workers_cpu = cpu_seconds({p.pid for p in processes})
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
    errors = []
    for process in processes:
        try:
            _, err = process.communicate(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _, err = process.communicate()
        if process.returncode not in (0, 130, -signal.SIGINT):
            errors.append(err.decode(errors="replace").strip().splitlines()[-1:])
    if count < total or errors:
        print(f"  {label}: {count:,} of {total:,} articles recorded; {errors}", flush=True)
    seconds = done - started
    db_cpu = cpu_seconds({postmaster}) - db_before
    return Result(label, seconds, count, served[1] - pages_before, workers_cpu, db_cpu)


def bench(shape: FarmShape, counts: list[int], concurrency: int) -> None:
    from newsmirror.settings.configfile import init_archive
    from newsmirror.settings.sources import Source

    served = multiprocessing.Array("q", 2, lock=False)
    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(target=farm, args=(shape, send, served), daemon=True)
    server.start()
    port: int = receive.recv()
    total = shape.feeds * shape.items
    print(
        f"farm: {shape.feeds:,} feeds x {shape.items} items = {total:,} items and pages on "
        f"{shape.hosts} loopback addresses, port {port}, every answer after {shape.latency} s; "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    sources = tuple(
        Source(f"农场 {k}", f"f{k}", f"http://{shape.host(k)}:{port}/f{k}.xml")
        for k in range(shape.feeds)
    )
    workers = has_worker()
    work = Path(tempfile.mkdtemp(prefix="newsmirror-scale-"))
    results: list[Result] = []
    try:
        with LocalPostgres(shared_buffers="256MB") as cluster:
            postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
            for n in counts if workers else [1]:
                url = cluster.url(cluster.create_database())
                root = work / f"archive-{n}"
                init_archive(root, sources)
                env = dict(os.environ, NEWSMIRROR_STORE_URL=url, NO_PROXY="*")
                env["NEWSMIRROR_FETCH_ALLOW_PRIVATE_NETWORKS"] = "1"
                upgrade = newsmirror("-C", str(root), "db", "upgrade")
                subprocess.run(upgrade, env=env, check=True, stdout=subprocess.DEVNULL)
                if workers:
                    label = f"{n} worker{'s' * (n > 1)} --concurrency {concurrency}"
                    argv = ["-C", str(root), "worker", "--concurrency", str(concurrency)]
                    commands = [newsmirror(*argv)] * n
                else:
                    label = "1 `run` (no `worker` here)"
                    commands = [newsmirror("-C", str(root), "run")]
                results.append(measure(label, commands, env, url, total, served, postmaster))
                print(results[-1].line(results[0] if len(results) > 1 else None), flush=True)
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)
    if len(results) > 1:
        one = results[0].items / results[0].seconds
        ratios = ", ".join(
            f"{r.label.split()[0]}: x{r.items / r.seconds / one:.2f}" for r in results
        )
        print(f"scaling over one worker: {ratios} (target: 4 workers >= x3)")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--feeds", type=int, default=2000, help="feeds (default 2000)")
    options.add_argument("--items", type=int, default=10, help="items a feed (default 10)")
    options.add_argument("--latency", type=float, default=0.2, help="seconds (default 0.2)")
    options.add_argument("--hosts", type=int, default=100, help="loopback hosts (default 100)")
    options.add_argument("--workers", default="1,2,4", help="worker counts (default 1,2,4)")
    options.add_argument("--concurrency", type=int, default=4, help="each worker's (default 4)")
    args = options.parse_args()
    shape = FarmShape(args.feeds, args.items, args.latency, max(1, min(args.hosts, 254)))
    bench(shape, [int(n) for n in args.workers.split(",")], args.concurrency)


if __name__ == "__main__":
    main()
