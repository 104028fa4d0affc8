"""Bounded work benchmark: one feed of many undated items, then ``status``.

    python bench/undated.py [--items 200000]

Serves one RSS 2.0 feed of ``--items`` items without dates (every article then takes the time
it was first archived: one minute for all of them, the case that once made search indexing
quadratic) from a local server, runs ``newsmirror run`` on a fresh archive in a child process,
then ``newsmirror status``, and prints items/s and seconds of each. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def feed_xml(items: int) -> bytes:
    entries = "\n".join(
        f"<item><title>无日期的新闻 {n}</title><link>https://news.example.com/a/{n}.html</link>"
        f"<description>&lt;p&gt;第 {n} 条新闻的正文，没有发布时间。&lt;/p&gt;</description></item>"
        for n in range(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>无日期</title><link>https://news.example.com/</link>"
        f"<description>undated</description>\n{entries}\n</channel></rss>\n"
    ).encode()


def serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited with {done.returncode}:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - started


def main() -> None:
    from newsmirror.settings.configfile import init_archive
    from newsmirror.settings.sources import Source

    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--items", type=int, default=200_000, help="items (default 200,000)")
    items = options.parse_args().items
    body = feed_xml(items)
    server = serve(body)
    work = Path(tempfile.mkdtemp(prefix="newsmirror-undated-"))
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
        init_archive(work, (Source("无日期", "nd", url, full_text="never"),))
        env = dict(os.environ, NEWSMIRROR_FETCH_ALLOW_PRIVATE_NETWORKS="1", NO_PROXY="127.0.0.1")
        env["NEWSMIRROR_FETCH_MAX_BYTES"] = str(len(body) + 1)
        env["NEWSMIRROR_FETCH_TIMEOUT"] = "600"
        cli = shutil.which("newsmirror", path=str(Path(sys.executable).parent)) or "newsmirror"
        print(f"{items:,} undated items in one feed, {len(body) / 1e6:.1f} MB of RSS XML")
        run = timed([cli, "-C", str(work), "run", "--all"], env)
        print(f"run:    {run:8.1f} s  {items / run:10,.0f} items/s")
        status = timed([cli, "-C", str(work), "status"], env)
        print(f"status: {status:8.1f} s")
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
