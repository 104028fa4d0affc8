"""Load test of the web reader: article pages/s and search pages/s of ``newsmirror serve``.

    .venv/bin/python bench/serve.py [--articles 20000] [--seconds 10] [--connections 32]
    .venv/bin/python bench/serve.py --api [--articles 200000] [--users 50] [--seconds 30]

Writes an archive of N articles (bench/corpus.py: real Chinese news paragraphs), starts
``newsmirror serve`` on it and drives it with wrk (Debian's ``wrk``) from the same 2-core
machine: random article pages, then random Chinese and English searches. For comparison, in the
same run, Python's own ``http.server`` serves the same article pages as static files written by
``newsmirror build`` (the cheapest way to serve them at all). Targets: >= 500 article pages/s,
>= 200 search pages/s. Asserts nothing.

``--api``: the reader-app APIs instead (bench/serve_api.py). Over an archive of 200,000
articles, 50 users, each with their own read and starred marks, sync as apps do: their unread
counts, then their newest 100 unread items in full, then a pause (1 s on average) before the
next sync. Prints each kind's requests, p50 and p99 latency; target p99 <= 100 ms. (No other
Google Reader server runs here to compare with.)
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

from corpus import make_archive
from newsmirror.accounts.sqlite import private_path
from serve_api import add_users, first_sync, give_marks, one_user, report, users_reading

ROOT = Path(__file__).resolve().parents[1]
NEWSMIRROR = Path(sys.executable).with_name("newsmirror")

LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
math.randomseed(7)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


ENGLISH = ["Putin", "Trump", "China", "Taiwan", "COVID", "Hong Kong", "Biden", "Ukraine"]


def query_words(made: list[Any], rng: random.Random) -> list[str]:
    """Chinese words of 1 to 4 characters from the articles' titles, and English words."""
    runs = [run for r in made for run in re.findall("[\u4e00-\u9fff]{4,}", r.title)]
    words = []
    for _ in range(400):
        run, length = rng.choice(runs), rng.randint(1, 4)
        start = rng.randrange(len(run) - length + 1)
        words.append(run[start : start + length])
    return words + ENGLISH * 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(port: int, deadline: float = 120.0) -> None:
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listening on {port} after {deadline:.0f} s")


def wrk(port: int, urls: list[str], args: argparse.Namespace, work: Path) -> tuple[float, str, str]:
    """Requests/s, p50 and p99 latency of wrk over ``urls``."""
    seconds, connections = args.seconds, args.connections
    listing = work / f"urls-{port}.txt"
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    script = work / f"urls-{port}.lua"
    script.write_text(LUA % listing, encoding="utf-8")
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
         f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = done.stdout
    if "Non-2xx" in out:
        raise SystemExit(f"wrk saw errors:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M)[1]  # type: ignore[index]
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M)[1]  # type: ignore[index]
    return rate, p50, p99


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--articles", type=int, help="20,000 (200,000 with --api)")
    options.add_argument("--seconds", type=int, default=10)
    options.add_argument("--connections", type=int, default=32)
    options.add_argument("--workers", type=int, default=2, help="serve --workers (2 cores here)")
    options.add_argument("--api", action="store_true", help="the reader-app APIs instead")
    options.add_argument("--users", type=int, default=50, help="users of the APIs (--api)")
    options.add_argument("--think", type=float, default=1.0, help="seconds between syncs (--api)")
    options.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep (and reuse) the archive in DIR (--api)"
    )
    args = options.parse_args()
    if args.api:
        args.articles = args.articles or 200_000
        api_check(args)
        return
    args.articles = args.articles or 20_000
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    work = Path(tempfile.mkdtemp(prefix="nm-serve-"))
    try:
        started = time.perf_counter()
        root = work / "archive"
        made = make_archive(root, args.articles)
        print(f"archive: {args.articles:,} articles in {time.perf_counter() - started:.1f} s")
        rng = random.Random(3)
        pages = [r.path.removesuffix(".md") + ".html" for r in rng.sample(made, 2000)]
        article_urls = ["/" + quote(p) for p in pages]
        words = query_words(made, rng)
        search_urls = [f"/search.html?q={quote(w)}" for w in words]

        server, port = serving(root, args.workers)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/").read()  # warm: first render
            served = f"serve --workers {args.workers}"
            rows = [
                (f"{served}: article pages", *wrk(port, article_urls, args, work)),
                (f"{served}: search pages", *wrk(port, search_urls, args, work)),
            ]
        finally:
            server.terminate()
            server.wait()

        subprocess.run(
            [str(NEWSMIRROR), "-C", str(root), "build", "--no-search", "--out", str(work / "site")],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        port = free_port()
        static = subprocess.Popen(
            [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
             "--directory", str(work / "site")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_until_up(port)
            rows.append(
                ("python http.server: the same pages, static", *wrk(port, article_urls, args, work))
            )  # fmt: skip
        finally:
            static.terminate()
            static.wait()

        print(f"\n{'':44} {'requests/s':>11} {'p50':>9} {'p99':>9}")
        for name, rate, p50, p99 in rows:
            print(f"{name:44} {rate:11,.0f} {p50:>9} {p99:>9}")
        print("\ntargets: article pages >= 500/s, search pages >= 200/s")
        print("(wrk and the server share this machine's cores)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def serving(root: Path, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    server = subprocess.Popen(
        [str(NEWSMIRROR), "-C", str(root), "serve", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
    )
    wait_until_up(port)
    return server, port


def api_archive(root: Path, articles: int) -> None:
    """The archive of ``articles`` articles at ``root``, without accounts; one kept from an
    earlier run is reused (building 200,000 articles takes many minutes)."""
    made = root / f".bench-{articles}-articles"
    if made.exists():
        shutil.rmtree(private_path(root).parent, ignore_errors=True)
        print(f"archive: {articles:,} articles, kept from an earlier run ({root})")
        return
    shutil.rmtree(root, ignore_errors=True)
    started = time.perf_counter()
    make_archive(root, articles)
    made.touch()
    print(f"archive: {articles:,} articles in {time.perf_counter() - started:.1f} s")


def api_check(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="nm-serve-api-"))
    try:
        root = args.keep / "archive" if args.keep else work / "archive"
        api_archive(root, args.articles)
        started = time.perf_counter()
        headers = add_users(root, args.users)
        print(f"{args.users} users added in {time.perf_counter() - started:.1f} s (scrypt)")
        started = time.perf_counter()
        server, port = serving(root, 1)
        try:
            first_sync(f"http://127.0.0.1:{port}", headers[0])
            took = time.perf_counter() - started
            print(f"server start and first API request, numbering every article: {took:.1f} s")
        finally:
            server.terminate()
            server.wait()
        started = time.perf_counter()
        marks = give_marks(root, args.users, random.Random(5))
        print(f"{marks:,} marks written in {time.perf_counter() - started:.1f} s")
        server, port = serving(root, args.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            first_sync(base, headers[0])  # each worker process opens its stores
            started = time.perf_counter()
            alone = one_user(base, headers[1], 50)
            alone_seconds = time.perf_counter() - started
            latencies = users_reading(base, headers, args.seconds, args.think)
        finally:
            server.terminate()
            server.wait()
        report("one user alone", alone, alone_seconds)
        within = report(f"{args.users} users, a sync a {args.think:g} s", latencies, args.seconds)
        print(
            f"\ntarget: p99 <= 100 ms: {'met' if within else 'NOT met'} "
            f"({args.users} users, serve --workers {args.workers}; the users' threads share "
            f"this machine's {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f})"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
