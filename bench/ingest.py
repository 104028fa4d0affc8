"""Ingest benchmark: newsmirror against the way the old mirror scripts work.

    python bench/ingest.py [--feeds 100] [--items 50] [--profile N]

Serves generated full-content Chinese RSS 2.0 feeds from a separate process (ETag, Last-Modified,
304 to a matching conditional request), then runs, each in a child process: newsmirror's first
ingest and unchanged pass (``run --all``, every feed answering 304), once as a user runs it
(``newsmirror -C DIR run``) and once timing ``newsmirror.cli.main.main()`` alone in a fresh
interpreter (start-up and the import of newsmirror excluded, the import shown apart); then
the baseline, requests + feedparser, feed after feed, one Markdown file per item, twice (no
conditional GET).
``--profile N`` also profiles a first ingest and prints its N costliest calls. Asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import ctypes
import html
import json
import multiprocessing
import os
import pstats
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import SynchronizedArray
from pathlib import Path
from typing import TypeAlias

from corpus import paragraphs

PROFILED = "newsmirror|feedparser|nh3|lxml|sqlite|httpx|httpcore|asyncio|subprocess"


def article(rng: random.Random, texts: list[str], feed: int, n: int) -> str:
    """2-4 KB of article HTML: paragraphs, a captioned image, a link."""
    target, size, parts = rng.randint(2000, 4000), 0, []
    while size < target:
        text = rng.choice(texts)[: max(20, (target - size) // 3)]  # CJK: 3 bytes a character
        parts.append(f"<p>{html.escape(text)}</p>")
        size += len(parts[-1].encode())
    parts.insert(
        1,
        f'<img src="https://img{feed}.example.com/{n}.jpg" width="900">'
        f"<div><small>{html.escape(rng.choice(texts)[:30])}</small></div>",
    )
    earlier = f"https://news{feed}.example.com/a/{n + 1}.html"
    parts.append(f'<p>相关报道：<a href="{earlier}">前一篇</a></p>')
    return "\n".join(parts)


def feed_xml(rng: random.Random, texts: list[str], feed: int, items: int) -> bytes:
    entries, newest = [], datetime(2024, 5, 1, 12, tzinfo=UTC) - timedelta(minutes=feed)
    for n in range(items):
        link = f"https://news{feed}.example.com/a/{n}.html"
        title = f"{rng.choice(texts)[:24]}（{feed}-{n}）"
        date = format_datetime(newest - timedelta(minutes=37 * n), usegmt=True)
        entries.append(
            f"<item><title>{html.escape(title)}</title><link>{link}</link>"
            f'<guid isPermaLink="true">{link}</guid><pubDate>{date}</pubDate>'
            f"<description><![CDATA[{article(rng, texts, feed, n)}]]></description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>新闻源 {feed}</title><link>https://news{feed}.example.com/</link>"
        f"<description>全文订阅</description>\n{chr(10).join(entries)}\n</channel></rss>\n"
    ).encode()


Counts: TypeAlias = "SynchronizedArray[int]"  # answers given: [200s, 304s]


def serve(folder: Path, port: Connection, counts: Counts) -> None:
    bodies = {f"/{p.name}": p.read_bytes() for p in folder.glob("*.xml")}
    tags = {path: f'"{zlib.crc32(body):08x}"' for path, body in bodies.items()}
    stamp = format_datetime(datetime(2024, 5, 1, 12, tzinfo=UTC), usegmt=True)

    def fresh(handler: BaseHTTPRequestHandler, etag: str) -> bool:
        if match := handler.headers.get("If-None-Match"):
            return etag in (t.strip() for t in match.split(",")) or match.strip() == "*"
        return handler.headers.get("If-Modified-Since") == stamp  # clients echo Last-Modified

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if (body := bodies.get(self.path)) is None:
                return self.send_error(404)
            not_modified = fresh(self, tags[self.path])
            with counts.get_lock():
                counts[not_modified] += 1
            self.send_response(304 if not_modified else 200)
            self.send_header("ETag", tags[self.path])
            self.send_header("Last-Modified", stamp)
            if not_modified:
                return self.end_headers()
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        request_queue_size = 256  # the default 5 drops connections under a burst
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    port.send(server.server_address[1])
    server.serve_forever()


@dataclass
class Run:
    wall: float  # seconds, interpreter start-up included
    rss_mb: float  # peak resident set of the child (and anything it waited for)
    cpu: float  # seconds of CPU, the child's and every helper process's it started
    timings: dict[str, float]  # what the child measured itself
    served: tuple[int, int]  # (200s, 304s) the feed server answered meanwhile


def measure(cmd: list[str], env: dict[str, str], counts: Counts) -> Run:
    before = counts[:]
    started = time.perf_counter()
    child = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)  # rusage of this child alone, not of the server
    helpers = reap_helpers()
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited with {child.returncode}:\n{output}")
    lines = [line for line in output.splitlines() if line.startswith("BENCH ")]
    timings = json.loads(lines[-1][6:]) if lines else {}
    served = (counts[0] - before[0], counts[1] - before[1])
    cpu = usage.ru_utime + usage.ru_stime + helpers
    return Run(wall, usage.ru_maxrss / 1024, cpu, timings, served)


def adopt_helpers() -> None:
    """Become the parent of the helpers a measured child leaves to end after it (a fork
    server and the processes it forked are no child's to wait for): Linux's subreaper."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER


def _children() -> set[int]:
    found, me = set(), str(os.getpid())
    for entry in Path("/proc").iterdir():
        try:
            if (
                entry.name.isdigit()
                and (entry / "stat").read_text().rsplit(")", 1)[1].split()[1] == me
            ):
                found.add(int(entry.name))
        except OSError:
            continue  # ended meanwhile
    return found


def reap_helpers() -> float:
    """Wait for the helpers the last child left (every child of ours but the feed server);
    returns their CPU seconds."""
    keep = {p.pid for p in multiprocessing.active_children()}
    seconds, deadline = 0.0, time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid:
            seconds += usage.ru_utime + usage.ru_stime
        elif _children() <= keep:
            break
        else:
            time.sleep(0.05)
    return seconds


def emit(started: float, imported: float) -> None:
    """Hand the parent the import and the work time, measured here, as the last line."""
    done = time.perf_counter()
    print("BENCH " + json.dumps({"import": imported - started, "main": done - imported}))


def worker_main(profile_to: str, argv: list[str]) -> None:
    """Time ``newsmirror.cli.main.main(argv)`` in this interpreter, start-up excluded."""
    started = time.perf_counter()
    from newsmirror.cli.main import main

    imported = time.perf_counter()
    profiler = cProfile.Profile() if profile_to != "-" else None
    code = profiler.runcall(main, argv) if profiler else main(argv)
    emit(started, imported)
    if profiler:
        profiler.dump_stats(profile_to)
    sys.exit(code)


def worker_baseline(out: Path, urls: list[str]) -> None:
    """The old mirror scripts: fetch each feed in turn, parse, one Markdown file per item."""
    started = time.perf_counter()
    import feedparser
    import requests

    imported = time.perf_counter()
    for url in urls:
        feed = feedparser.parse(requests.get(url, timeout=30).content)
        folder = out / url.rsplit("/", 1)[-1].removesuffix(".xml")
        folder.mkdir(parents=True, exist_ok=True)
        for entry in feed.entries:
            body = "\n".join(line.strip() for line in entry.get("description", "").splitlines())
            name = re.sub(r'[\\/:*?"<>|]', "_", entry.title)[:80]
            text = f"<!--T-->\n[{entry.title}]({entry.link})\n------\n\n{body}\n"
            (folder / f"{name}.md").write_text(text, encoding="utf-8")
    emit(started, imported)


def report(label: str, run: Run, items: int) -> None:
    inner = run.timings.get("main")
    line = f"{label}: {run.wall:.2f} s wall"
    line += f", {items / run.wall:,.0f} items/s" if items else ""
    line += f", peak RSS {run.rss_mb:.0f} MB, CPU {run.cpu:.2f} s"
    line += f" ({items / run.cpu:,.0f} items/CPU s)" if items else ""
    if inner is not None:
        line += f"; excl. start-up {inner:.3f} s (import {run.timings['import']:.2f} s)"
        line += f", {items / inner:,.0f} items/s" if items else ""
    line += f"; server: {run.served[0]}x200 {run.served[1]}x304"
    print(line)


def table(total: int, newsmirror: list[Run], baseline: list[Run]) -> None:
    """first ingest (CLI, timed main), unchanged pass (CLI, timed main) of each tool."""
    print(f"\n{'tool':<11}{'first ingest items/s':>32}{'peak RSS MB':>13}{'unchanged pass s':>25}")
    print(f"{'target':<11}{'>= 1,000':>32}{'<= 300':>13}{'<= 0.5':>25}")
    for tool, (a, a_in, b, b_in) in (("newsmirror", newsmirror), ("baseline", baseline)):
        rate = f"{total / a.wall:,.0f} ({total / a_in.timings['main']:,.0f} excl. start-up)"
        unchanged = f"{b_in.timings['main']:.3f} (wall {b.wall:.2f})"
        print(f"{tool:<11}{rate:>32}{max(a.rss_mb, b.rss_mb):>13.0f}{unchanged:>25}")
    first, base = newsmirror[0], baseline[0]
    print(
        f"newsmirror over baseline, first ingest: x{base.wall / first.wall:.2f} items/s, "
        f"x{base.cpu / first.cpu:.2f} items per CPU second (target x2)"
    )
    again = newsmirror[3]
    met = [total / first.wall >= 1000, first.rss_mb <= 300, again.timings["main"] <= 0.5]
    print("newsmirror meets (items/s, RSS, unchanged):", *("yes" if m else "NO" for m in met))


def bench(feeds: int, items: int, profile: int) -> None:
    from newsmirror.settings.configfile import init_archive
    from newsmirror.settings.sources import Source

    work = Path(tempfile.mkdtemp(prefix="newsmirror-bench-"))
    rng, texts, total = random.Random(1), paragraphs(), feeds * items
    (work / "feeds").mkdir()
    size = sum(
        (work / "feeds" / f"f{i}.xml").write_bytes(feed_xml(rng, texts, i, items))
        for i in range(feeds)
    )
    adopt_helpers()
    counts = multiprocessing.Array("i", 2)
    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(target=serve, args=(work / "feeds", send, counts))
    server.start()
    port: int = receive.recv()
    urls = [f"http://127.0.0.1:{port}/f{i}.xml" for i in range(feeds)]
    print(f"{feeds} feeds x {items} items = {total:,} items, {size / 1e6:.1f} MB of RSS XML")
    print(f"served by pid {server.pid} on 127.0.0.1:{port}; {os.cpu_count()} CPUs\n")
    env = dict(os.environ, NEWSMIRROR_FETCH_ALLOW_PRIVATE_NETWORKS="1", NO_PROXY="127.0.0.1")
    env["NEWSMIRROR_FETCH_CONCURRENCY"] = "16"  # the default
    env["NEWSMIRROR_FETCH_PER_HOST_CONCURRENCY"] = "16"  # every feed is on one host here
    sources = tuple(Source(f"feed {i}", f"f{i}", url) for i, url in enumerate(urls))
    cli = shutil.which("newsmirror", path=str(Path(sys.executable).parent)) or "newsmirror"
    me = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    archive, timed = work / "cli", work / "timed"
    try:
        for root in (archive, timed, work / "profiled"):
            init_archive(root, sources)
        cli_run = [cli, "-C", str(archive), "run"]
        timed_run = [*me, "main", "-", "-C", str(timed), "run"]
        baseline = [*me, "baseline", str(work / "baseline"), *urls]
        runs = [
            ("newsmirror first ingest (CLI run)", cli_run, total),
            ("newsmirror first ingest (timed main)", timed_run, total),
            ("newsmirror unchanged pass (CLI run --all)", [*cli_run, "--all"], 0),
            ("newsmirror unchanged pass (timed main)", [*timed_run, "--all"], 0),
            ("baseline first pass", baseline, total),
            ("baseline second pass, no conditional GET", baseline, 0),
        ]
        done = []
        for label, cmd, count in runs:
            done.append(measure(cmd, env, counts))
            report(label, done[-1], count)
        files = [sum(1 for _ in p.rglob("*.md")) for p in (archive / "articles", work / "baseline")]
        print(f"Markdown files written: newsmirror {files[0]:,}, baseline {files[1]:,}")
        base_first, base_again = done[4:]
        table(total, done[:4], [base_first, base_first, base_again, base_again])
        if profile:
            stats = work / "first.prof"
            measure([*me, "main", str(stats), "-C", str(work / "profiled"), "run"], env, counts)
            print(f"\nfirst ingest under cProfile, top {profile} cumulative ({PROFILED}):")
            pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(PROFILED, profile)
    finally:
        server.terminate()
        server.join()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    if sys.argv[1:3] == ["--worker", "main"]:
        return worker_main(sys.argv[3], sys.argv[4:])
    if sys.argv[1:3] == ["--worker", "baseline"]:
        return worker_baseline(Path(sys.argv[3]), sys.argv[4:])
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--feeds", type=int, default=100, help="feeds to serve (default 100)")
    options.add_argument("--items", type=int, default=50, help="items per feed (default 50)")
    options.add_argument("--profile", type=int, default=0, metavar="N", help="and profile")
    args = options.parse_args()
    bench(args.feeds, args.items, args.profile)


if __name__ == "__main__":
    main()
