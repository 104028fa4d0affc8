"""Articles and their revisions in the shared database (protocols.Articles), and taking in
the record's entries, which is what fills them: one batch, one transaction, a statement per
table with server-side parameters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from newsmirror.record.identity import PATH_KEY
from newsmirror.record.log import Entry
from newsmirror.store.follow import ends
from newsmirror.store.model import Change, Known, StoredRevision, article_row
from newsmirror.store.postgres.database import Connection, Database
from newsmirror.text.urls import url_key

REVISION_COLUMNS = "rev, fetched, change, record_file, record_offset"

# One statement per table and batch, its rows as one array per column (``unnest``): a batch
# costs a few round trips, not one per revision. A later revision replaces what the store
# shows of the article; an earlier one taken in late only adds to its revisions. The article's
# path never changes: a second article with the same path breaks the unique constraint, and
# the whole batch is refused.
_ARTICLES = """
    INSERT INTO articles (id, source, path, rev, hash, feed_hash, summary_only, title, url,
        time_ms, first_seen, first_seen_ms, record_file, record_offset, change, adopted)
    SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::int4[], %s::text[],
        %s::text[], %s::bool[], %s::text[], %s::text[], %s::int8[], %s::text[], %s::int8[],
        %s::text[], %s::int8[], %s::text[], %s::bool[])
    ON CONFLICT (id) DO UPDATE SET rev = excluded.rev, hash = excluded.hash,
        change = excluded.change, feed_hash = excluded.feed_hash,
        summary_only = excluded.summary_only, page_attempts = 0, title = excluded.title,
        url = excluded.url, time_ms = excluded.time_ms, record_file = excluded.record_file,
        record_offset = excluded.record_offset
    WHERE excluded.rev >= articles.rev"""
_REVISIONS = """
    INSERT INTO revisions (article, rev, fetched, title, change, record_file, record_offset)
    SELECT * FROM unnest(%s::text[], %s::int4[], %s::text[], %s::text[], %s::text[],
        %s::text[], %s::int8[])
    ON CONFLICT (article, rev) DO UPDATE SET fetched = excluded.fetched,
        title = excluded.title, change = excluded.change, record_file = excluded.record_file,
        record_offset = excluded.record_offset"""
_KEYS = """INSERT INTO article_keys (key, article) SELECT * FROM unnest(%s::text[], %s::text[])
           ON CONFLICT DO NOTHING"""
_IMAGES = """INSERT INTO images (url, file) SELECT * FROM unnest(%s::text[], %s::text[])
             ON CONFLICT (url) DO UPDATE SET file = excluded.file"""
_POSITIONS = """
    INSERT INTO store_positions (file, indexed_to) SELECT * FROM unnest(%s::text[], %s::int8[])
    ON CONFLICT (file) DO UPDATE
    SET indexed_to = greatest(store_positions.indexed_to, excluded.indexed_to)"""


def take_in(db: Connection, batch: Sequence[Entry]) -> None:
    """Index appended revisions and move the positions past them (in the caller's
    transaction). One statement cannot change a row twice, so the batch is first reduced to
    what taking its revisions in one by one would leave: each article's latest revision (the
    later entry of two equal ones), each revision's last entry, a key's first article, an
    image's last file."""
    latest: dict[str, Entry] = {}
    revisions: dict[tuple[str, int], tuple[object, ...]] = {}
    keys: dict[str, str] = {}
    images: dict[str, str] = {}
    for entry in batch:
        r = entry.revision
        if r.article not in latest or r.rev >= latest[r.article].revision.rev:
            latest[r.article] = entry
        revisions[r.article, r.rev] = (
            r.article,
            r.rev,
            r.fetched,
            r.title,
            r.change,
            entry.file,
            entry.offset,
        )
        for key in r.keys:
            keys.setdefault(key, r.article)
        images.update(r.images)
    with db.cursor() as cursor:
        for sql, rows in (
            (_ARTICLES, [article_row(entry) for entry in latest.values()]),
            (_REVISIONS, list(revisions.values())),
            (_KEYS, list(keys.items())),
            (_IMAGES, list(images.items())),
            (_POSITIONS, list(ends(batch).items())),
        ):
            if rows:
                cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])


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
