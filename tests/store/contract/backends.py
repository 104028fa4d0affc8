"""The store contract: every backend in BACKENDS passes every test in this folder, unchanged.
Adding a backend is adding its entry here.

A backend is one entry: how to open its store for an archive folder (made when missing,
holding what an earlier opening left), and how to damage it so that opening it fails. A
backend kept in a database is made for each test from a new, empty database (``pg_url``). Tests
write revisions to a real record (record/*.jsonl in a temporary archive) and hand the store
what was appended, as a run does (store.follow)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newsmirror.record.log import Entry, RecordLog
from newsmirror.record.model import Revision, iso
from newsmirror.search import SearchIndex
from newsmirror.search.backend import SearchStore
from newsmirror.search.postgres import PostgresSearch
from newsmirror.store.follow import catch_up, follow
from newsmirror.store.postgres import PostgresStore, open_pool, upgrade
from newsmirror.store.postgres.connection import open_connection
from newsmirror.store.protocols import Store
from newsmirror.store.sqlite import SQLiteStore


@dataclass(frozen=True)
class Backend:
    name: str
    open: Callable[[Path], Store]  # the store of the archive at this folder
    damage: Callable[[Path], None]  # after it, opening the store raises DamagedCache
    # A backend kept in a database: the entry to test, given a new, empty database's URL.
    in_database: Callable[[str], Backend] | None = None


def _sqlite_path(root: Path) -> Path:
    return root / ".newsmirror" / "state.sqlite"


def _sqlite_damage(root: Path) -> None:
    for path in _sqlite_path(root).parent.glob("state.sqlite*"):
        path.unlink()
    _sqlite_path(root).write_bytes(b"not a database " * 300)


def _postgres(url: str) -> Backend:
    def open_store(root: Path) -> Store:
        with open_connection(url) as connection:  # the schema, made in a new database
            upgrade(connection, url)
        return PostgresStore(url)

    def damage(root: Path) -> None:
        with open_connection(url, autocommit=True) as connection:
            connection.execute("DROP TABLE article_keys")

    return Backend("postgresql", open_store, damage)


def _needs_a_database(root: Path) -> Any:
    raise AssertionError("the postgresql backend is made from a database (in_database)")


BACKENDS = [
    Backend("sqlite", lambda root: SQLiteStore(_sqlite_path(root)), _sqlite_damage),
    Backend("postgresql", _needs_a_database, _needs_a_database, in_database=_postgres),
]


@dataclass(frozen=True)
class SearchBackend:
    name: str
    open: Callable[[Path], SearchStore[Any]]  # the search index of the archive at this folder
    in_database: Callable[[str], SearchBackend] | None = None  # as Backend's


def _postgres_search(url: str) -> SearchBackend:
    def open_index(root: Path) -> SearchStore[Any]:
        with open_connection(url) as connection:  # the schema, made in a new database
            upgrade(connection, url)
        return PostgresSearch(open_pool(url))

    return SearchBackend("postgresql", open_index)


SEARCH_BACKENDS = [
    SearchBackend("sqlite", lambda root: SearchIndex(root / ".newsmirror" / "search.sqlite")),
    SearchBackend("postgresql", _needs_a_database, in_database=_postgres_search),
]

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
START_MS = int(START.timestamp() * 1000)
HOUR_MS = 3_600_000


def revision(n: int, rev: int = 1, source: str = "voa", **fields: Any) -> Revision:
    """Article ``n`` of ``source``, published ``n`` hours after START; revision ``rev`` is
    fetched ``rev`` - 1 days after it was first seen."""
    moment = START + timedelta(hours=n)
    values: dict[str, Any] = {
        "article": f"{source}-{n}",
        "rev": rev,
        "source": source,
        "path": f"articles/{source}/{moment:%Y/%m/%d}-story-{n}.md",
        "url": f"https://example.com/{source}/{n}.html",
        "guid": None,
        "title": f"Story {n} rev {rev}",
        "published": iso(moment),
        "updated": None,
        "first_seen": iso(moment),
        "fetched": iso(moment + timedelta(days=rev - 1)),
        "html": f"<p>Body {n}.{rev}</p>",
        "text": f"Body {n}.{rev}",
        "hash": f"hash-{n}-{rev}",
        "keys": (f"url:example.com/{source}/{n}.html",),
        "change": "" if rev == 1 else "edited",
    }
    values.update(fields)
    return Revision(**values)


@dataclass
class Harness:
    """A temporary archive's record and the store following it."""

    backend: Backend
    root: Path
    log: RecordLog
    store: Store
    others: list[Store] = field(default_factory=list)

    def record(self, *revisions: Revision) -> list[Entry]:
        """Append to the record and hand the store what was appended."""
        entries = self.log.append(revisions)
        follow(self.store, entries)
        return entries

    def another(self) -> Store:
        """The same store opened a second time (another process, say)."""
        store = self.backend.open(self.root)
        self.others.append(store)
        return store

    def reopen(self) -> int:
        """Close the store and open it again, caught up; returns revisions it took in."""
        self.store.close()
        self.store = self.backend.open(self.root)
        return catch_up(self.log, self.store)
