"""Articles and their revisions in ``state.sqlite`` (protocols.Articles), and taking in the
record's entries, which is what fills them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from newsmirror.record.identity import PATH_KEY
from newsmirror.record.log import Entry
from newsmirror.store.files import advance
from newsmirror.store.follow import ends
from newsmirror.store.model import Change, Known, StoredRevision, article_row
from newsmirror.text.urls import url_key

REVISION_COLUMNS = "rev, fetched, change, record_file, record_offset"


def take_in(db: sqlite3.Connection, batch: Sequence[Entry]) -> None:
    """Index appended revisions and move the positions past them (in the caller's
    transaction)."""
    for entry in batch:
        r = entry.revision
        db.execute(
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
            article_row(entry),
        )
        db.execute(
            """INSERT OR REPLACE INTO revisions(article, rev, fetched, title, change,
                   record_file, record_offset) VALUES(?,?,?,?,?,?,?)""",
            (r.article, r.rev, r.fetched, r.title, r.change, entry.file, entry.offset),
        )
        db.executemany(
            "INSERT OR IGNORE INTO keys(key, article) VALUES(?, ?)",
            [(key, r.article) for key in r.keys],
        )
        db.executemany("INSERT OR REPLACE INTO images(url, file) VALUES(?, ?)", r.images.items())
    advance(db, ends(batch))


class SQLiteArticles:
    db: sqlite3.Connection

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

    def resolve(self, reference: str) -> str | None:
        reference = reference.strip().lstrip("/")
        row = self.db.execute(
            "SELECT id FROM articles WHERE id = ? OR path = ?", (reference, reference)
        ).fetchone()
        if row:
            return str(row[0])
        known = self.find([f"{PATH_KEY}{reference}", f"url:{url_key(reference)}"])
        return known.article if known else None

    def path_taken(self, path: str) -> bool:
        found = self.db.execute("SELECT 1 FROM articles WHERE path = ?", (path,)).fetchone()
        return found is not None

    def revisions_of(self, article: str) -> list[StoredRevision]:
        return [
            StoredRevision(*row)
            for row in self.db.execute(
                f"SELECT {REVISION_COLUMNS} FROM revisions WHERE article = ? ORDER BY rev",
                (article,),
            )
        ]

    def all_revisions(self) -> dict[str, list[StoredRevision]]:
        found: dict[str, list[StoredRevision]] = {}
        for article, *row in self.db.execute(
            f"SELECT article, {REVISION_COLUMNS} FROM revisions ORDER BY article, rev"
        ):
            found.setdefault(article, []).append(StoredRevision(*row))
        return found

    def changes_since(self, since: str) -> list[Change]:
        rows = self.db.execute(
            """SELECT r.article, r.rev, r.fetched, a.source, a.path, r.title, r.change
               FROM revisions r JOIN articles a ON a.id = r.article
               WHERE r.rev > 1 AND r.fetched >= ? ORDER BY r.fetched, r.article, r.rev""",
            (since,),
        )
        return list(map(Change._make, rows))

    def image_file(self, url: str) -> str | None:
        row = self.db.execute("SELECT file FROM images WHERE url = ?", (url,)).fetchone()
        return str(row[0]) if row else None

    def set_feed_hash(self, article: str, feed_hash: str) -> None:
        self.db.execute("UPDATE articles SET feed_hash = ? WHERE id = ?", (feed_hash, article))

    def page_failed(self, article: str) -> None:
        self.db.execute(
            "UPDATE articles SET page_attempts = page_attempts + 1 WHERE id = ?", (article,)
        )
