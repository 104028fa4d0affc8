"""Articles and their revisions in the shared database (protocols.Articles), and taking in
the record's entries, which is what fills them: one batch, one transaction, its statements
sent together (psycopg's pipeline) with server-side parameters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsmirror.record.identity import PATH_KEY
from newsmirror.record.log import Entry
from newsmirror.record.model import epoch_ms
from newsmirror.store.follow import ends
from newsmirror.store.model import Change, Known, StoredRevision, schedule_start
from newsmirror.store.postgres.database import Connection, Database
from newsmirror.text.urls import url_key

REVISION_COLUMNS = "rev, fetched, change, record_file, record_offset"

# A later revision replaces what the store shows of the article; an earlier one taken in late
# only adds to its revisions. The article's path never changes: a second article with the
# same path breaks the unique constraint, and the whole batch is refused.
_ARTICLE = """
    INSERT INTO articles (id, source, path, rev, hash, feed_hash, summary_only, title, url,
        time_ms, first_seen, first_seen_ms, record_file, record_offset, change, adopted)
    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, hash = excluded.hash,
        change = excluded.change, feed_hash = excluded.feed_hash,
        summary_only = excluded.summary_only, page_attempts = 0, title = excluded.title,
        url = excluded.url, time_ms = excluded.time_ms, record_file = excluded.record_file,
        record_offset = excluded.record_offset
    WHERE excluded.rev >= articles.rev"""
_REVISION = """
    INSERT INTO revisions (article, rev, fetched, title, change, record_file, record_offset)
    VALUES (%s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (article, rev) DO UPDATE SET fetched = excluded.fetched,
        title = excluded.title, change = excluded.change, record_file = excluded.record_file,
        record_offset = excluded.record_offset"""
_KEY = "INSERT INTO article_keys (key, article) VALUES (%s, %s) ON CONFLICT DO NOTHING"
_IMAGE = """INSERT INTO images (url, file) VALUES (%s, %s)
            ON CONFLICT (url) DO UPDATE SET file = excluded.file"""
_POSITION = """
    INSERT INTO store_positions (file, indexed_to) VALUES (%s, %s)
    ON CONFLICT (file) DO UPDATE
    SET indexed_to = greatest(store_positions.indexed_to, excluded.indexed_to)"""


def take_in(db: Connection, batch: Sequence[Entry]) -> None:
    """Index appended revisions and move the positions past them (in the caller's
    transaction)."""
    articles: list[tuple[object, ...]] = []
    revisions: list[tuple[object, ...]] = []
    keys: list[tuple[str, str]] = []
    images: list[tuple[str, str]] = []
    for entry in batch:
        r = entry.revision
        articles.append(
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
                schedule_start(r),
                entry.file,
                entry.offset,
                r.change,
                r.origin == "adopted",
            )
        )
        revisions.append((r.article, r.rev, r.fetched, r.title, r.change, entry.file, entry.offset))
        keys.extend((key, r.article) for key in r.keys)
        images.extend(r.images.items())
    with db.cursor() as cursor:
        # One statement after another, in the record's order: a later revision of an article
        # in the same batch finds the earlier one's row.
        for sql, rows in (
            (_ARTICLE, articles),
            (_REVISION, revisions),
            (_KEY, keys),
            (_IMAGE, images),
            (_POSITION, list(ends(batch).items())),
        ):
            if rows:
                cursor.executemany(sql, rows)


class PostgresArticles:
    db: Database

    def find(self, keys: Iterable[str]) -> Known | None:
        row = self.db.one(
            """SELECT a.id, a.rev, a.hash, a.source, a.path, a.first_seen, a.feed_hash,
                      a.summary_only, a.page_attempts
               FROM unnest(%s::text[]) WITH ORDINALITY AS wanted(key, n)
               JOIN article_keys k USING (key) JOIN articles a ON a.id = k.article
               ORDER BY wanted.n LIMIT 1""",
            (list(keys),),
        )
        return Known(*row) if row else None

    def resolve(self, reference: str) -> str | None:
        reference = reference.strip().lstrip("/")
        row = self.db.one(
            "SELECT id FROM articles WHERE id = %s OR path = %s LIMIT 1", (reference, reference)
        )
        if row:
            return str(row[0])
        known = self.find([f"{PATH_KEY}{reference}", f"url:{url_key(reference)}"])
        return known.article if known else None

    def path_taken(self, path: str) -> bool:
        return self.db.one("SELECT 1 FROM articles WHERE path = %s", (path,)) is not None

    def revisions_of(self, article: str) -> list[StoredRevision]:
        rows = self.db.rows(
            f"SELECT {REVISION_COLUMNS} FROM revisions WHERE article = %s ORDER BY rev",
            (article,),
        )
        return list(map(StoredRevision._make, rows))

    def all_revisions(self) -> dict[str, list[StoredRevision]]:
        found: dict[str, list[StoredRevision]] = {}
        for article, *row in self.db.rows(
            f"SELECT article, {REVISION_COLUMNS} FROM revisions ORDER BY article, rev"
        ):
            found.setdefault(article, []).append(StoredRevision(*row))
        return found

    def changes_since(self, since: str) -> list[Change]:
        rows = self.db.rows(
            """SELECT r.article, r.rev, r.fetched, a.source, a.path, r.title, r.change
               FROM revisions r JOIN articles a ON a.id = r.article
               WHERE r.rev > 1 AND r.fetched >= %s ORDER BY r.fetched, r.article, r.rev""",
            (since,),
        )
        return list(map(Change._make, rows))

    def image_file(self, url: str) -> str | None:
        row = self.db.one("SELECT file FROM images WHERE url = %s", (url,))
        return str(row[0]) if row else None

    def set_feed_hash(self, article: str, feed_hash: str) -> None:
        self.db.run("UPDATE articles SET feed_hash = %s WHERE id = %s", (feed_hash, article))

    def page_failed(self, article: str) -> None:
        self.db.run(
            "UPDATE articles SET page_attempts = page_attempts + 1 WHERE id = %s", (article,)
        )
