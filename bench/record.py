"""The record in files beside the record in PostgreSQL: ``Archive.append`` in batches of a run's
size (record, store and search index; in the database all three in one transaction), then
``migrate`` both ways (files into a database, its record back into files, each checked line by
line), on a temporary archive and a throwaway local PostgreSQL cluster.

    .venv/bin/python bench/record.py [ARTICLES]    (default 5,000, 3 revisions of every 10th)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from newsmirror.archive.archive import Archive
from newsmirror.record.model import Revision
from newsmirror.services.migrate import migrate
from newsmirror.settings.configfile import init_archive
from newsmirror.store.postgres import upgrade
from newsmirror.store.postgres.connection import open_connection

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from postgres import LocalPostgres
from store import revisions

BATCH = 200  # revisions a run appends at once
# A body of some 1,500 characters, Chinese and Latin, as an article's text is.
BODY = "俄乌战争进入第三年，联合国安理会周二再次召开紧急会议。Reuters reported on Tuesday. " * 25


def append_all(root: Path, made: list[Revision]) -> float:
    """Seconds to append ``made`` in batches, the archive opened once."""
    with Archive(root) as archive:
        started = time.perf_counter()
        for first in range(0, len(made), BATCH):
            archive.append(made[first : first + BATCH])
        return time.perf_counter() - started


def report(name: str, count: int, seconds: float) -> None:
    print(f"{name:<44} {count / seconds:>9,.0f} revisions/s  ({seconds:.2f} s)")


def main() -> None:
    articles = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    made = revisions(articles, BODY)
    print(f"{len(made):,} revisions of {articles:,} articles, batches of {BATCH}")
    with tempfile.TemporaryDirectory() as folder, LocalPostgres() as cluster:
        base = Path(folder)
        for name in ("in-files", "shared", "back"):
            init_archive(base / name, ())
        report(
            "append, record in files (+ SQLite caches)",
            len(made),
            append_all(base / "in-files", made),
        )
        url = cluster.url(cluster.create_database())
        with open_connection(url) as connection:
            upgrade(connection, url)
        os.environ["NEWSMIRROR_STORE_URL"] = url
        report(
            "append, record in PostgreSQL (one transaction)",
            len(made),
            append_all(base / "shared", made),
        )
        del os.environ["NEWSMIRROR_STORE_URL"]

        copy_url = cluster.url(cluster.create_database())
        with open_connection(copy_url) as connection:
            upgrade(connection, copy_url)
        started = time.perf_counter()
        migrate(base / "in-files", copy_url)
        report(
            "migrate --to postgresql (+ store and search)", len(made), time.perf_counter() - started
        )
        os.environ["NEWSMIRROR_STORE_URL"] = copy_url
        started = time.perf_counter()
        migrate(base / "shared", str(base / "back"))
        report("migrate --to DIR", len(made), time.perf_counter() - started)


if __name__ == "__main__":
    main()
