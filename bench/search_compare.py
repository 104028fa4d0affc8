"""bench/search.py's second half: the same record searched in PostgreSQL (newsmirror's terms in
a tsvector, ``search/postgres.py``) and the ways people search Chinese without newsmirror,
SQLite FTS5's ``trigram`` tokenizer and PostgreSQL's ``pg_trgm``, for latency and recall.

The others index the text as published. A trigram index finds only strings of three characters
or more: FTS5 MATCH finds nothing shorter, and a LIKE '%..%' of one or two characters reads
every row (both tokenizers are measured with LIKE for those, as an application would). Neither
folds traditional into simplified characters. pg_trgm needs a database whose LC_CTYPE knows CJK
letters (C.UTF-8 here): in the C locale it makes no trigram of Chinese at all.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg

from newsmirror.record.log import Entry, RecordLog
from newsmirror.record.model import Revision
from newsmirror.search import SearchIndex, SearchQuery
from newsmirror.search.postgres import PostgresSearch, match
from newsmirror.search.query import parse_query
from newsmirror.search.searching import USER_COLUMNS
from newsmirror.search.text import fold
from newsmirror.store.follow import catch_up
from newsmirror.store.postgres import open_pool, upgrade
from newsmirror.store.postgres.connection import open_connection

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from postgres import LocalPostgres

BATCH = 2000
TOP = 20  # hits a query asks for

Search = Callable[[str], object]


def percentiles(search: Search, queries: list[str]) -> tuple[float, float]:
    """p50 and p95 in ms of ``search`` over ``queries``, after one warm-up pass."""
    for text in queries:
        search(text)
    timings = []
    for text in queries:
        started = time.perf_counter()
        search(text)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, round(0.95 * len(timings)))]


def ends_of(log: RecordLog) -> dict[str, int]:
    """Where each record file ends: a follower that has read this far holds all of it."""
    return {file: (log.root / file).stat().st_size for file in log.files()}


def batches(log: RecordLog) -> Iterator[list[Entry]]:
    batch: list[Entry] = []
    for file in log.files():
        for entry in log.read(file):
            batch.append(entry)
            if len(batch) == BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def latest(log: RecordLog) -> list[Revision]:
    """Each article's latest revision: what every index holds."""
    found: dict[str, Revision] = {}
    for batch in batches(log):
        for entry in batch:
            r = entry.revision
            if r.article not in found or r.rev > found[r.article].rev:
                found[r.article] = r
    return list(found.values())


def timed(what: str, count: int, work: Callable[[], None]) -> None:
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    print(f"  {what}: {count:,} articles in {seconds:.0f} s, {count / seconds:,.0f} articles/s")


class Postgres:
    """newsmirror's PostgreSQL index and a pg_trgm table of the same record, in one cluster."""

    def __init__(self, cluster: LocalPostgres) -> None:
        with psycopg.connect(cluster.url(), autocommit=True) as admin:
            made = {name for (name,) in admin.execute("SELECT datname FROM pg_database")}
            if "search" not in made:
                admin.execute("CREATE DATABASE search")
            if "trgm" not in made:
                admin.execute("CREATE DATABASE trgm LOCALE 'C.UTF-8' TEMPLATE template0")
        self.url = cluster.url("search")
        with open_connection(self.url) as connection:
            upgrade(connection, self.url)
        self.search = PostgresSearch(open_pool(self.url, max_size=1))
        self.trgm = psycopg.connect(cluster.url("trgm"), autocommit=True)

    def build(self, log: RecordLog, revisions: list[Revision]) -> None:
        def ours() -> None:
            catch_up(log, self.search)
            # As autovacuum would: GIN's pending entries merged into the index, statistics.
            with self.search.db.pool.connection() as db:
                db.autocommit = True
                db.execute("VACUUM ANALYZE search_docs")
                db.autocommit = False

        def trgm() -> None:
            db = self.trgm
            db.execute("DROP TABLE IF EXISTS docs")  # a build that did not finish
            db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            db.execute("CREATE TABLE docs (id bigint PRIMARY KEY, doc text NOT NULL)")
            with db.cursor().copy("COPY docs (id, doc) FROM STDIN") as copy:
                for n, r in enumerate(revisions):
                    copy.write_row((n, f"{r.title}\n{r.text}"))
            db.execute("CREATE INDEX docs_trgm ON docs USING gin (doc gin_trgm_ops)")
            db.execute("VACUUM ANALYZE docs")

        if self.search.positions() != ends_of(log):
            timed("newsmirror in PostgreSQL (tsvector, GIN)", len(revisions), ours)
        else:
            print("  newsmirror in PostgreSQL: the kept database reused")
        if self.trgm.execute("SELECT to_regclass('docs_trgm')").fetchone() == (None,):
            timed("pg_trgm (COPY, then its GIN index)", len(revisions), trgm)
        else:
            print("  pg_trgm: the kept database reused")
        with self.search.db.pool.connection() as db:
            sizes = "pg_total_relation_size('search_docs'), pg_relation_size('search_docs_terms')"
            total, gin = db.execute(f"SELECT {sizes}").fetchone() or (0, 0)
        trgm = self.trgm.execute("SELECT pg_total_relation_size('docs')").fetchone()
        trgm_total = trgm[0] if trgm else 0
        print(
            f"  sizes: newsmirror's table {total / 1e6:,.0f} MB (with the text; its GIN index "
            f"{gin / 1e6:,.0f} MB), pg_trgm's {trgm_total / 1e6:,.0f} MB"
        )

    def ours(self, text: str) -> object:
        return self.search.search(SearchQuery(text))

    def ours_count(self, text: str) -> int:
        found = match(parse_query(text))
        if found is None:
            return 0
        condition, parameters = found
        with self.search.db.pool.connection() as db:
            row = db.execute(
                f"SELECT count(*) FROM search_docs WHERE {condition}", parameters
            ).fetchone()
        return int(row[0]) if row else 0

    def trgm_top(self, text: str) -> object:
        return self.trgm.execute(
            "SELECT id FROM docs WHERE doc LIKE %s ORDER BY id DESC LIMIT %s", (f"%{text}%", TOP)
        ).fetchall()

    def trgm_count(self, text: str) -> int:
        row = self.trgm.execute("SELECT count(*) FROM docs WHERE doc LIKE %s", (f"%{text}%",))
        return int((row.fetchone() or (0,))[0])

    def close(self) -> None:
        self.search.close()
        self.trgm.close()


class Trigram:
    """The text as published in a table, and an FTS5 index of it with the ``trigram``
    tokenizer (external content: the table holds the text once)."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS docs(id INTEGER PRIMARY KEY, doc TEXT NOT NULL)"
        )
        self.db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS tri USING fts5(doc, content='docs', "
            "content_rowid='id', tokenize='trigram')"
        )

    def build(self, revisions: list[Revision]) -> None:
        if self.db.execute("SELECT count(*) FROM docs").fetchone()[0]:
            print("  FTS5 trigram tokenizer: the kept index reused")
            return

        def load() -> None:
            with self.db:
                self.db.executemany(
                    "INSERT INTO docs(id, doc) VALUES(?, ?)",
                    ((n, f"{r.title}\n{r.text}") for n, r in enumerate(revisions)),
                )
                self.db.execute("INSERT INTO tri(tri) VALUES('rebuild')")

        timed("FTS5 trigram tokenizer", len(revisions), load)

    def where(self, text: str) -> tuple[str, str, str]:
        """MATCH for three characters or more; for fewer, where MATCH finds nothing, LIKE
        over the table (a scan)."""
        if len(text) >= 3:
            return "tri", "tri MATCH ?", '"' + text.replace('"', '""') + '"'
        return "docs", "doc LIKE ?", f"%{text}%"

    def top(self, text: str) -> object:
        table, where, value = self.where(text)
        sql = f"SELECT rowid FROM {table} WHERE {where} ORDER BY rowid DESC LIMIT {TOP}"
        return self.db.execute(sql, (value,)).fetchall()

    def count(self, text: str, *, match: bool = False) -> int:
        if match:
            table, where, value = "tri", "tri MATCH ?", f'"{text}"'
        else:
            table, where, value = self.where(text)
        row = self.db.execute(f"SELECT count(*) FROM {table} WHERE {where}", (value,))
        return int(row.fetchone()[0])


def sqlite_count(index: SearchIndex, text: str) -> int:
    expression = parse_query(text).match(USER_COLUMNS)
    row = index.db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (expression,))
    return int(row.fetchone()[0])


def truth(revisions: list[Revision], words: list[str]) -> dict[str, int]:
    """How many articles hold each word, in their folded text (traditional as simplified)."""
    texts = [fold(f"{r.title}\n{r.text}") for r in revisions]
    return {word: sum(fold(word) in text for text in texts) for word in words}


def compare(
    work: Path,
    log: RecordLog,
    index: SearchIndex,
    kinds: dict[str, list[str]],
    keep: bool = False,
) -> None:
    """Build the other indexes of the record ``index`` holds; print latency and recall.
    ``keep``: the indexes and the PostgreSQL cluster stay in ``work``, and a next run reuses
    them (a database made by an older schema is upgraded first, as ``db upgrade`` would)."""
    print(f"\nthe same record, indexed by the others (SQLite {sqlite3.sqlite_version}):")
    revisions = latest(log)
    trigram = Trigram(work / "trigram.sqlite")
    trigram.build(revisions)
    trigram.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"  sizes: FTS5 trigram {(work / 'trigram.sqlite').stat().st_size / 1e6:,.0f} MB")
    folder = work / "postgres" if keep else None
    with LocalPostgres(folder, shared_buffers="512MB", work_mem="16MB") as cluster:
        postgres = Postgres(cluster)
        try:
            postgres.build(log, revisions)
            latency(index, postgres, trigram, kinds)
            recall(revisions, index, postgres, trigram, kinds)
        finally:
            postgres.close()


def latency(
    index: SearchIndex, postgres: Postgres, trigram: Trigram, kinds: dict[str, list[str]]
) -> None:
    print(f"\n{'p50 / p95 ms':<22}{'newsmirror':>14}{'newsmirror':>14}{'FTS5':>14}{'pg_trgm':>14}")
    print(f"{'':<22}{'SQLite':>14}{'PostgreSQL':>14}{'trigram':>14}{'LIKE':>14}")
    print(f"{'':<22}{'20 ranked, snippets':>28}{'20 newest ids':>28}")
    worst = (0.0, 0.0)
    for kind, queries in kinds.items():
        cells = []
        searches: list[Search] = [
            lambda q: index.search(SearchQuery(q)),
            postgres.ours,
            trigram.top,
            postgres.trgm_top,
        ]
        for n, search in enumerate(searches):
            p50, p95 = percentiles(search, queries)
            cells.append(f"{p50:.1f} / {p95:.0f}")
            if n == 1:  # newsmirror in PostgreSQL
                worst = (max(worst[0], p50), max(worst[1], p95))
        print(f"{kind:<22}" + "".join(f"{c:>14}" for c in cells))
    met = worst[0] <= 10 and worst[1] <= 50
    print(f"PostgreSQL targets (p50 <= 10 ms, p95 <= 50 ms) met: {'yes' if met else 'NO'}")


def recall(
    revisions: list[Revision],
    index: SearchIndex,
    postgres: Postgres,
    trigram: Trigram,
    kinds: dict[str, list[str]],
) -> None:
    """Found / held, over every article (not a page), for the one- and two-character words."""
    print("\nrecall: articles found / articles that hold the word (traditional forms included)")
    methods: list[tuple[str, Callable[[str], int]]] = [
        ("newsmirror SQLite", lambda q: sqlite_count(index, q)),
        ("newsmirror PostgreSQL", postgres.ours_count),
        ("FTS5 trigram MATCH", lambda q: trigram.count(q, match=True)),
        ("FTS5 trigram LIKE", trigram.count),
        ("pg_trgm LIKE", postgres.trgm_count),
    ]
    for n in (1, 2):
        words = [w for kind, qs in kinds.items() if kind.startswith(f"{n} char") for w in qs]
        held = truth(revisions, words)
        total = sum(held.values())
        cells = []
        for name, count in methods:
            found = sum(count(word) for word in words)
            cells.append(f"{name} {found / total:.1%}")
        print(f"  {n}-character words ({len(words)}, {total:,} hits): " + ", ".join(cells))
