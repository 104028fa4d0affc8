"""What the worker tests share: a loopback farm of feeds with article pages behind them, whose
server notes when each request started, and `newsmirror worker` processes started on an
archive of the farm's feeds."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import psycopg
import pytest

from archive_helpers import make_archive, nm, rss
from newsmirror.settings.sources import Source
from newsmirror.store.postgres import PostgresStore
from server import LocalServer, Reply, Request

PARAGRAPHS = [
    "中国和俄罗斯今年加强了政治、经济和军事方面的关系，两国都对西方越来越大的压力表示了不满。",
    "俄罗斯科学院远东研究所的高级研究员说，俄罗斯依靠中国庞大的产业经济购买石油和天然气。",
    "新加坡南洋理工大学的副教授说，两国希望阻止美国驱动下的那种软实力的回归。",
    "分析人士说，中俄冷战时代的猜忌有可能使双方的合作局限于宽泛或非正式的行动。",
]
STARTED: list[Running] = []  # every worker process started, killed (with its group) at the end
# A hang is a failure, not a wait without end: what the tests wait for comes long before.
PATIENCE = 300.0


def page(title: str, n: int) -> bytes:
    body = "".join(f"<p>{title}：{p * 2}</p>" for p in PARAGRAPHS[n % 2 :])
    return f"""<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="2021-12-04T02:32:08Z"></head><body>
<nav><a href="/">首页</a></nav><article><h1>{title}</h1>{body}</article>
<footer>版权所有</footer></body></html>""".encode()


@dataclass
class Farm:
    """``feeds`` feeds of ``items`` items each on ``server``; every answer starts ``delay``
    seconds after its request, and, for paths that start with one of ``held``, not before
    ``opened`` is set."""

    server: LocalServer
    feeds: int
    items: int
    delay: float = 0.0
    opened: threading.Event = field(default_factory=threading.Event)
    held: tuple[str, ...] = ("/",)
    starts: list[tuple[float, str]] = field(default_factory=list)  # (monotonic, path)

    def __post_init__(self) -> None:
        self.opened.set()
        for k in range(self.feeds):
            self.server.route(f"/feed/{k}.xml", self._answer(self._feed(k), "application/rss+xml"))
            for n in range(self.items):
                title = f"第{k}号源的文章{n}"
                self.server.route(f"/page/{k}/{n}.html", self._answer(page(title, n), "text/html"))

    def _feed(self, k: int) -> bytes:
        items = [
            {
                "title": f"第{k}号源的文章{n}",
                "link": self.server.url(f"/page/{k}/{n}.html"),
                "guid": f"farm-{k}-{n}",
                "pubDate": f"Sat, 04 Dec 2021 {n % 24:02}:39:03 GMT",
                "description": "中俄加深非正式同盟关系……阅读全文",
            }
            for n in range(self.items)
        ]
        return rss(items, f"第{k}号源")

    def _answer(self, body: bytes, kind: str) -> Callable[[Request], Reply]:
        def answer(request: Request) -> Reply:
            self.starts.append((time.monotonic(), request.path))
            if request.path.startswith(self.held):
                self.opened.wait(PATIENCE)
            return Reply(body=body, headers={"Content-Type": kind}, delay=self.delay)

        return answer

    def sources(self) -> list[Source]:
        return [
            Source(f"Source {k}", f"s{k:02}", self.server.url(f"/feed/{k}.xml"))
            for k in range(self.feeds)
        ]

    def pages(self) -> int:
        return self.feeds * self.items


def kill_every_group() -> None:
    """Kill what is left of every worker started (its helpers too: a worker killed alone leaves
    its fork server and pool behind, holding the pipes it printed to)."""
    while STARTED:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(STARTED.pop().process.pid, signal.SIGKILL)


class Running:
    """A ``newsmirror -v worker`` process on an archive, what it prints read as it comes (the
    environment is this test's: the store's URL, the fetch settings)."""

    def __init__(self, root: Path, *options: str) -> None:
        program = [sys.executable, "-m", "newsmirror.cli.main"]
        self.process = subprocess.Popen(
            [*program, "-C", str(root), "-v", "worker", *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # a group of its own, as a terminal's foreground job
        )
        STARTED.append(self)
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(stream, lines), daemon=True)
            for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream: IO[str] | None, lines: list[str]) -> None:
        assert stream is not None
        for line in stream:
            lines.append(line.rstrip("\n"))

    def said(self, words: str) -> bool:
        """Whether a line on standard error holds ``words`` (with -v: what it does)."""
        return any(words in line for line in self.err)

    def send(self, number: int = signal.SIGINT) -> None:
        """Signal it as a terminal's Ctrl-C does (SIGINT: the whole process group, its helper
        processes too) or as systemd stops a service with KillMode=mixed (the process alone)."""
        if number == signal.SIGINT:
            os.killpg(self.process.pid, number)
        else:
            os.kill(self.process.pid, number)

    def wait(self, read_all: bool = True) -> int:
        """Its exit code, once it has exited and (``read_all``) everything it printed is
        read."""
        code = self.process.wait(PATIENCE)
        for reader in self._readers if read_all else ():
            reader.join(PATIENCE)
        return code

    def stop(self, number: int = signal.SIGINT) -> int:
        if self.process.poll() is None:
            self.send(number)
        return self.wait()


def wait_for(condition: Callable[[], object], what: str) -> None:
    """Until ``condition()`` holds; a failure naming ``what`` if it never comes."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"waited in vain for {what}"
        time.sleep(0.05)


def shared(
    tmp_path: Path,
    farm: Farm,
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    full_text: str = "never",
) -> Path:
    """An archive of the farm's feeds whose store is the database at ``url``."""
    root = make_archive(tmp_path / "archive", farm.sources(), monkeypatch, full_text)
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", url)
    assert nm(root, "db", "upgrade") == 0
    return root


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as connection:
        return connection.execute(sql).fetchall()


def counts(url: str) -> dict[str, int]:
    store = PostgresStore(url)
    try:
        return dict(store.article_counts())
    finally:
        store.close()


def summary_only(url: str) -> dict[str, tuple[int, int]]:
    store = PostgresStore(url)
    try:
        return dict(store.summary_only_counts())
    finally:
        store.close()
