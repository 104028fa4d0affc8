"""State and article index in SQLite: a cache of the record, rebuilt from it at will.

What is here: per-source fetch state (validators, schedule, errors), and an index of the record
(articles, their identity keys, where each latest revision sits in the record, which revision
the mirror file shows). Deleting the database loses nothing: the index is rebuilt from the
record, and lost validators only cost one unconditional fetch.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..decide import MAX_PAGE_ATTEMPTS, PATH_KEY, Known
from ..record.log import Entry, RecordLog
from ..record.model import Revision, RevisionKind, epoch_ms, parse_iso
from ..urls import url_key
from .files import connect

DAY = 86400.0
# Bumped whenever the tables change: a cache of another version is dropped and rebuilt.
SCHEMA_VERSION = 9
SCHEMA = """
CREATE TABLE IF NOT EXISTS articles(
    id TEXT PRIMARY KEY, source TEXT NOT NULL, path TEXT NOT NULL UNIQUE,
    rev INTEGER NOT NULL, hash TEXT NOT NULL, feed_hash TEXT NOT NULL,
    summary_only INTEGER NOT NULL DEFAULT 0, page_attempts INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL, url TEXT,
    time_ms INTEGER NOT NULL, first_seen TEXT NOT NULL, first_seen_ms INTEGER NOT NULL,
    record_file TEXT NOT NULL, record_offset INTEGER NOT NULL,
    projected_rev INTEGER NOT NULL DEFAULT 0,
    change TEXT NOT NULL DEFAULT '', checks INTEGER NOT NULL DEFAULT 0,
    page_etag TEXT, page_last_modified TEXT, adopted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS articles_by_source_time ON articles(source, time_ms DESC);
CREATE TABLE IF NOT EXISTS revisions(
    article TEXT NOT NULL, rev INTEGER NOT NULL, fetched TEXT NOT NULL, title TEXT NOT NULL,
    change TEXT NOT NULL DEFAULT '',
    record_file TEXT NOT NULL, record_offset INTEGER NOT NULL, PRIMARY KEY(article, rev));
CREATE INDEX IF NOT EXISTS revisions_by_time ON revisions(fetched);
CREATE TABLE IF NOT EXISTS keys(key TEXT PRIMARY KEY, article TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS images(url TEXT PRIMARY KEY, file TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS record_files(file TEXT PRIMARY KEY, indexed_to INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sources(
    abbr TEXT PRIMARY KEY, config_url TEXT, feed_url TEXT, etag TEXT, last_modified TEXT,
    last_attempt TEXT, last_success TEXT, last_error TEXT, errors INTEGER NOT NULL DEFAULT 0,
    next_due REAL, items_seen INTEGER NOT NULL DEFAULT 0, page_error TEXT);
"""


@dataclass(frozen=True)
class SourceState:
    abbr: str
    config_url: str | None = None  # the configured URL that feed_url was found from
    feed_url: str | None = None  # the feed fetched: config_url itself, or what it links to
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    errors: int = 0
    next_due: float | None = None
    items_seen: int = 0
    page_error: str | None = None  # the last pass's failed article pages (Tally.page_report)


@dataclass(frozen=True)
class Listed:
    """An article as lists and the README show it."""

    source: str
    path: str
    title: str
    time_ms: int
    removed: bool = False
    summary_only: bool = False  # the body is the feed's summary: the page failed


class StoredRevision(NamedTuple):
    """What the index keeps of one revision: its number, when and how it came, where it is."""

    rev: int
    fetched: str
    change: str
    record_file: str
    record_offset: int


REVISION_COLUMNS = "rev, fetched, change, record_file, record_offset"


class Shelved(NamedTuple):  # a tuple: a build makes one for each article of the archive
    """An article as readers browse it, and where its latest revision sits in the record."""

    id: str
    source: str
    path: str
    title: str
    url: str | None
    time_ms: int
    rev: int
    change: str
    record_file: str
    record_offset: int
    summary_only: int  # 1: the body is the feed's summary (the page failed)

    @property
    def removed(self) -> bool:
        return self.change == RevisionKind.REMOVED


def _browse_filter(
    source: str | None, start_ms: int | None, end_ms: int | None
) -> tuple[str, tuple[object, ...]]:
    clauses, values = [], []
    for clause, value in (
        ("source = ?", source),
        ("time_ms >= ?", start_ms),
        ("time_ms < ?", end_ms),
    ):
        if value is not None:
            clauses.append(clause)
            values.append(value)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(values)


class StateStore:
    def __init__(self, path: Path) -> None:
        self.db = connect(path)
        # Readers (search, serve) open the index while a run may be writing to it.
        self.db.execute("PRAGMA busy_timeout=10000")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        if self.db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            # Everything here is rebuilt from the record (validators are refetched).
            for (table,) in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            ).fetchall():
                self.db.execute(f'DROP TABLE "{table}"')
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # The index of the record

    def catch_up(self, log: RecordLog) -> int:
        """Index what the record has and the index lacks; returns revisions indexed.

        Runs at every start, so a crash between appending to the record and indexing it is
        repaired before anything reads the index.
        """
        unread = log.unread(dict(self.db.execute("SELECT file, indexed_to FROM record_files")))
        if unread.restart:
            self.db.executescript(
                "DELETE FROM articles; DELETE FROM revisions; DELETE FROM keys; "
                "DELETE FROM images; DELETE FROM record_files;"
            )
        count = 0
        for file, start in unread.files:
            entries = list(log.read(file, start))
            self.index(entries)
            count += len(entries)
        return count

    def index(self, entries: Iterable[Entry]) -> None:
        """Add appended revisions to the index, in one transaction."""
        ends: dict[str, int] = {}
        with self.transaction():
            for entry in entries:
                r = entry.revision
                self.db.execute(
                    """INSERT INTO articles(id, source, path, rev, hash, feed_hash, summary_only,
                           title, url, time_ms, first_seen, first_seen_ms, record_file,
                           record_offset, change, adopted)
                       VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                       ON CONFLICT(id) DO UPDATE SET rev=excluded.rev, hash=excluded.hash,
                           change=excluded.change,
                           feed_hash=excluded.feed_hash, summary_only=excluded.summary_only,
                           page_attempts=0,
                           title=excluded.title, url=excluded.url, time_ms=excluded.time_ms,
                           record_file=excluded.record_file,
                           record_offset=excluded.record_offset
                       WHERE excluded.rev >= articles.rev""",
                    (
                        r.article,
                        r.source,
                        r.path,
                        r.rev,
                        r.hash,
                        r.feed_hash or r.hash,
                        r.summary_only,
                        r.title,
                        r.url,
                        epoch_ms(r.time),
                        r.first_seen,
                        _schedule_start(r),
                        entry.file,
                        entry.offset,
                        r.change,
                        r.origin == "adopted",
                    ),
                )
                self.db.execute(
                    """INSERT OR REPLACE INTO revisions(article, rev, fetched, title, change,
                           record_file, record_offset) VALUES(?,?,?,?,?,?,?)""",
                    (r.article, r.rev, r.fetched, r.title, r.change, entry.file, entry.offset),
                )
                self.db.executemany(
                    "INSERT OR IGNORE INTO keys(key, article) VALUES(?, ?)",
                    [(key, r.article) for key in r.keys],
                )
                self.db.executemany(
                    "INSERT OR REPLACE INTO images(url, file) VALUES(?, ?)", r.images.items()
                )
                ends[entry.file] = max(ends.get(entry.file, 0), entry.end)
            self.db.executemany(
                """INSERT INTO record_files(file, indexed_to) VALUES(?, ?)
                   ON CONFLICT(file)
                   DO UPDATE SET indexed_to = max(indexed_to, excluded.indexed_to)""",
                ends.items(),
            )

    def find(self, keys: Iterable[str]) -> Known | None:
        for key in keys:
            row = self.db.execute(
                """SELECT a.id, a.rev, a.hash, a.source, a.path, a.first_seen, a.feed_hash,
                          a.summary_only, a.page_attempts
                   FROM keys k JOIN articles a ON a.id = k.article WHERE k.key = ?""",
                (key,),
            ).fetchone()
            if row:
                article, rev, hash_, source, path, first_seen, feed_hash, summary_only, tries = row
                return Known(
                    article,
                    rev,
                    hash_,
                    source,
                    path,
                    first_seen,
                    feed_hash,
                    bool(summary_only),
                    tries,
                )
        return None

    # Revisions and history

    def revisions_of(self, article: str) -> list[StoredRevision]:
        """Every revision of an article, oldest first."""
        return [
            StoredRevision(*row)
            for row in self.db.execute(
                f"SELECT {REVISION_COLUMNS} FROM revisions WHERE article = ? ORDER BY rev",
                (article,),
            )
        ]

    def all_revisions(self) -> dict[str, list[StoredRevision]]:
        """Every revision of every article, oldest first, by article: one query for a build."""
        found: dict[str, list[StoredRevision]] = {}
        for article, *row in self.db.execute(
            f"SELECT article, {REVISION_COLUMNS} FROM revisions ORDER BY article, rev"
        ):
            found.setdefault(article, []).append(StoredRevision(*row))
        return found

    def changes_since(self, since: str) -> list[tuple[str, int, str, str, str, str, str]]:
        """(article, rev, fetched, source, path, title, change) of each change since ``since``."""
        return self.db.execute(
            """SELECT r.article, r.rev, r.fetched, a.source, a.path, r.title, r.change
               FROM revisions r JOIN articles a ON a.id = r.article
               WHERE r.rev > 1 AND r.fetched >= ? ORDER BY r.fetched, r.article, r.rev""",
            (since,),
        ).fetchall()

    def resolve(self, reference: str) -> str | None:
        """The article named by its id, its mirror file's path, or its URL."""
        reference = reference.strip().lstrip("/")
        row = self.db.execute(
            "SELECT id FROM articles WHERE id = ? OR path = ?", (reference, reference)
        ).fetchone()
        if row:
            return str(row[0])
        known = self.find([f"{PATH_KEY}{reference}", f"url:{url_key(reference)}"])
        return known.article if known else None

    # Re-checks of article pages

    def due_checks(
        self, now: float, offsets: list[float], limit: int, sources: list[str]
    ) -> list[tuple[str, int]]:
        """(article, checks done) of articles whose page is due another look, most overdue
        first; the n-th look is due ``offsets[n]`` after the article was first seen (for an
        adopted article: published; one without a date has no schedule). An article is past its
        schedule, and not looked at, once the last look is further behind it than the last
        offset (or a day, if that is less)."""
        if not offsets or not sources:
            return []
        steps = " ".join("WHEN ? THEN ?" for _ in offsets)
        step_values = [value for n, offset in enumerate(offsets) for value in (n, offset * 1000)]
        past = (max(offsets) + max(max(offsets), DAY)) * 1000
        rows = self.db.execute(
            f"""SELECT id, checks FROM (
                    SELECT id, checks, first_seen_ms + (CASE checks {steps} END) AS due_ms
                    FROM articles WHERE url IS NOT NULL AND checks < ? AND first_seen_ms > ?
                    AND source IN ({",".join("?" * len(sources))}))
                WHERE due_ms <= ? ORDER BY due_ms LIMIT ?""",
            (*step_values, len(offsets), now * 1000 - past, *sources, now * 1000, limit),
        )
        return [(article, checks + 1) for article, checks in rows]

    def articles_since(self, source: str, since_ms: int) -> list[str]:
        """A source's articles with a page, published (else first seen) since ``since_ms``,
        oldest first."""
        rows = self.db.execute(
            """SELECT id FROM articles WHERE source = ? AND url IS NOT NULL AND time_ms >= ?
               ORDER BY time_ms, path""",
            (source, since_ms),
        )
        return [row[0] for row in rows]

    def page_validators(self, article: str) -> tuple[str | None, str | None]:
        """ETag and Last-Modified of the article's page when it was last re-checked."""
        row = self.db.execute(
            "SELECT page_etag, page_last_modified FROM articles WHERE id = ?", (article,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def checked(
        self, article: str, looks: int, etag: str | None, last_modified: str | None
    ) -> None:
        """Note that the page was looked at: ``looks`` of its schedule are done."""
        self.db.execute(
            """UPDATE articles SET checks = max(checks, ?), page_etag = ?,
               page_last_modified = ? WHERE id = ?""",
            (looks, etag, last_modified, article),
        )

    def set_feed_hash(self, article: str, feed_hash: str) -> None:
        self.db.execute("UPDATE articles SET feed_hash = ? WHERE id = ?", (feed_hash, article))

    def page_failed(self, article: str) -> None:
        """Count a failed page fetch or extraction; retries stop after a few (decide.py)."""
        self.db.execute(
            "UPDATE articles SET page_attempts = page_attempts + 1 WHERE id = ?", (article,)
        )

    def image_file(self, url: str) -> str | None:
        """The local copy of an image, as recorded with some revision."""
        row = self.db.execute("SELECT file FROM images WHERE url = ?", (url,)).fetchone()
        return str(row[0]) if row else None

    def path_taken(self, path: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM articles WHERE path = ?", (path,)).fetchone() is not None
        )

    def unprojected(self) -> list[tuple[str, str, int]]:
        """(article, record file, offset) of every article whose mirror file is behind."""
        return self.db.execute(
            """SELECT id, record_file, record_offset FROM articles
               WHERE projected_rev < rev ORDER BY record_file, record_offset"""
        ).fetchall()

    def mark_projected(self, articles: Iterable[str]) -> None:
        with self.transaction():
            self.db.executemany(
                "UPDATE articles SET projected_rev = rev WHERE id = ?", [(a,) for a in articles]
            )

    def mark_all_unprojected(self) -> None:
        self.db.execute("UPDATE articles SET projected_rev = 0")

    def listed(self, source: str, limit: int, *, adopted: bool = True) -> list[Listed]:
        """A source's newest articles; without the adopted ones if ``adopted`` is False."""
        rows = self.db.execute(
            f"""SELECT source, path, title, time_ms, change = '{RevisionKind.REMOVED}', summary_only
               FROM articles
               WHERE source = ? {"" if adopted else "AND NOT adopted"}
               ORDER BY time_ms DESC, path DESC LIMIT ?""",
            (source, limit),
        )
        return [
            Listed(source, path, title, ms, bool(gone), bool(summary))
            for source, path, title, ms, gone, summary in rows
        ]

    def sources_with_articles(self) -> list[str]:
        return [
            row[0] for row in self.db.execute("SELECT DISTINCT source FROM articles ORDER BY 1")
        ]

    def summary_only_counts(self) -> dict[str, tuple[int, int]]:
        """Per source: articles whose body is the feed's summary, and how many of them will be
        tried again (decide.MAX_PAGE_ATTEMPTS)."""
        rows = self.db.execute(
            """SELECT source, count(*), sum(page_attempts < ?) FROM articles
               WHERE summary_only GROUP BY source""",
            (MAX_PAGE_ATTEMPTS,),
        )
        return {source: (count, retried) for source, count, retried in rows}

    def article_counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT source, count(*) FROM articles GROUP BY source"))

    # What readers browse: the web reader and the static site

    def browse(
        self,
        source: str | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
        limit: int = -1,
        offset: int = 0,
    ) -> list[Shelved]:
        """Articles newest first, of one source or all, optionally in [start_ms, end_ms)."""
        where, values = _browse_filter(source, start_ms, end_ms)
        rows = self.db.execute(
            f"""SELECT id, source, path, title, url, time_ms, rev, change, record_file,
                       record_offset, summary_only FROM articles {where}
                ORDER BY time_ms DESC, path DESC LIMIT ? OFFSET ?""",
            (*values, limit, offset),
        )
        return list(map(Shelved._make, rows))

    def browse_count(
        self, source: str | None = None, start_ms: int | None = None, end_ms: int | None = None
    ) -> int:
        where, values = _browse_filter(source, start_ms, end_ms)
        return int(self.db.execute(f"SELECT count(*) FROM articles {where}", values).fetchone()[0])

    def days(self, source: str, offset_ms: int) -> list[tuple[str, int]]:
        """(YYYY-MM-DD, articles) of each day a source has articles, newest first; days in the
        zone ``offset_ms`` east of UTC."""
        return self.db.execute(
            """SELECT date((time_ms + ?) / 1000, 'unixepoch') AS day, count(*) FROM articles
               WHERE source = ? GROUP BY day ORDER BY day DESC""",
            (offset_ms, source),
        ).fetchall()

    def shelved(self, reference: str) -> Shelved | None:
        """An article by its id or its mirror file's path."""
        row = self.db.execute(
            """SELECT id, source, path, title, url, time_ms, rev, change, record_file,
                      record_offset, summary_only FROM articles WHERE id = ? OR path = ?""",
            (reference, reference),
        ).fetchone()
        return Shelved(*row) if row else None

    # Per-source fetch state

    def source_state(self, abbr: str) -> SourceState:
        row = self.db.execute(
            """SELECT abbr, config_url, feed_url, etag, last_modified, last_attempt, last_success,
                      last_error, errors, next_due, items_seen, page_error
               FROM sources WHERE abbr = ?""",
            (abbr,),
        ).fetchone()
        return SourceState(*row) if row else SourceState(abbr)

    def save_source_state(self, state: SourceState) -> None:
        self.db.execute(
            """INSERT OR REPLACE INTO sources(abbr, config_url, feed_url, etag, last_modified,
                   last_attempt, last_success, last_error, errors, next_due, items_seen,
                   page_error)
               VALUES(?,?,?,?,?,?,?,?,?,?,?,?)""",
            (
                state.abbr,
                state.config_url,
                state.feed_url,
                state.etag,
                state.last_modified,
                state.last_attempt,
                state.last_success,
                state.last_error,
                state.errors,
                state.next_due,
                state.items_seen,
                state.page_error,
            ),
        )

    def forget_source(self, abbr: str) -> None:
        self.db.execute("DELETE FROM sources WHERE abbr = ?", (abbr,))

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if kind else "COMMIT")


def _schedule_start(revision: Revision) -> int:
    """When an article's re-checks start counting (``due_checks``), in ms: when it was first
    seen; for an adopted article, when it was published (the old archive had it since), and
    never, 0, when its file gave no date: it was there before adoption, nobody knows how long."""
    if revision.origin == "adopted" and not revision.published:
        return 0
    return epoch_ms(parse_iso(revision.first_seen))
