"""The store's two backends side by side: taking in the record (revisions/s, batches of a run's
size) and the reads a run and a reader make most (find by key, a page of browse, the re-check
queue), on SQLite in a temporary archive and on a throwaway local PostgreSQL cluster.

    .venv/bin/python bench/store.py [ARTICLES]    (default 20,000, 3 revisions of every 10th)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from newsmirror.record.log import Entry, RecordLog
from newsmirror.record.model import Revision, iso
from newsmirror.store.follow import follow
from newsmirror.store.postgres import PostgresStore, upgrade
from newsmirror.store.postgres.connection import open_connection
from newsmirror.store.protocols import Store
from newsmirror.store.sqlite import SQLiteStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from postgres import LocalPostgres

BATCH = 200  # revisions a run hands the store at once
START = datetime(2026, 1, 1, tzinfo=UTC)
SOURCES = ("voa", "bbc", "rfi", "dw", "nyt")


def revisions(count: int, body: str = "") -> list[Revision]:
    """``count`` articles over five sources, one in ten edited twice; ``body`` begins each
    text (the article number and revision end it)."""
    made = []
    for n in range(count):
        source, moment = SOURCES[n % len(SOURCES)], START + timedelta(minutes=7 * n)
        for rev in range(1, 4 if n % 10 == 0 else 2):
            made.append(
                Revision(
                    article=f"{source}-{n}",
                    rev=rev,
                    source=source,
                    path=f"articles/{source}/{moment:%Y/%m/%d}-{n}.md",
                    url=f"https://{source}.example/{n}.html",
                    guid=None,
                    title=f"第{n}篇 Story {n}" if body else f"Story {n}",
                    published=iso(moment),
                    updated=None,
                    first_seen=iso(moment),
                    fetched=iso(moment + timedelta(hours=rev - 1)),
                    html=f"<p>{body}{n}.{rev}</p>" if body else f"<p>{n}</p>",
                    text=f"{body}{n}.{rev}" if body else f"{n}",
                    hash=f"h{n}.{rev}",
                    keys=(f"url:{source}.example/{n}.html",),
                    change="" if rev == 1 else "edited",
                )
            )
    return made


def timed(call: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(name: str, store: Store, entries: list[Entry], articles: int) -> None:
    start = time.perf_counter()
    for at in range(0, len(entries), BATCH):
        follow(store, entries[at : at + BATCH])
    took = time.perf_counter() - start
    n = articles // 2
    key = [f"url:{SOURCES[n % len(SOURCES)]}.example/{n}.html"]
    now = (START + timedelta(minutes=7 * articles)).timestamp()
    print(
        f"{name:>10}: take in {len(entries) / took:8,.0f} revisions/s | find "
        f"{timed(lambda: store.find(key), 200):.3f} ms | browse 50 "
        f"{timed(lambda: store.browse('voa', limit=50, offset=500), 50):.3f} ms | due checks "
        f"{timed(lambda: store.due_checks(now, [3600, 86400], 100, SOURCES), 20):.2f} ms"
    )


def main() -> None:
    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as folder, LocalPostgres() as cluster:
        log = RecordLog(Path(folder))
        entries = log.append(revisions(articles))
        print(f"{articles:,} articles, {len(entries):,} revisions, batches of {BATCH}")
        sqlite = SQLiteStore(Path(folder) / "state.sqlite")
        measure("sqlite", sqlite, entries, articles)
        sqlite.close()
        with psycopg.connect(cluster.url(), autocommit=True) as admin:
            admin.execute("CREATE DATABASE store")
        url = cluster.url("store")
        with open_connection(url) as connection:
            upgrade(connection, url)
        postgres = PostgresStore(url)
        measure("postgresql", postgres, entries, articles)
        postgres.close()


if __name__ == "__main__":
    main()
