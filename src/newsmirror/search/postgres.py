"""The search index in PostgreSQL, for an archive shared by several machines: the same terms,
query language and answers as the SQLite index (``index``), in ``search_docs`` (its schema:
store/postgres/migrations).

Terms. PostgreSQL's own parsers know nothing of Chinese, so none of them is used: the project's
terms (``text.terms``: CJK bigrams and final characters, folded words) are written as a
``tsvector`` literal, lexeme by lexeme with their positions (the ``simple`` way: no stemming, no
stop words), the body's positions one past the title's so that no phrase runs from one into the
other. A query term becomes a phrase of its tokens (``'俄乌' <-> '乌战' <-> '战争'``), a lone
CJK character a prefix (``'中':*``), which the GIN index answers as FTS5's prefix index does.
PostgreSQL keeps positions up to 16,383: a phrase is found only in an article's first 16,000 or
so tokens (single terms anywhere).

Ranking, as ``searching`` does for terms too common for bm25: the ``WINDOW`` newest matches,
relevance ``1 + TITLE_WEIGHT`` times the share of the query's terms found in the title (a small
column of its own: the document's terms are not read again), divided by ``1 + age_days /
RECENCY_DAYS``. The text is read only for the page's hits, for their snippets.

Plans. Each search is planned for its own terms (never a prepared statement): a rare term is
found through the GIN index, a common one by walking the newest documents. GIN keeps new entries
in a pending list until (auto)vacuum merges them, and plans avoid an index with a long one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from psycopg_pool import ConnectionPool

from newsmirror.record.log import Entry
from newsmirror.record.model import Revision, RevisionKind, epoch_ms
from newsmirror.record.protocol import Record
from newsmirror.search.model import STATUSES, SearchPage, SearchQuery
from newsmirror.search.query import ParsedQuery, Term, parse_query
from newsmirror.search.rowids import MINUTE_MS, minute
from newsmirror.search.searching import MAX_LIMIT, RECENCY_DAYS, TITLE_WEIGHT, WINDOW, make_hit
from newsmirror.search.snippets import highlighter
from newsmirror.search.text import fold, terms
from newsmirror.store.follow import catch_up, ends, entries, follow
from newsmirror.store.postgres.database import Database
from newsmirror.text.dateline import text_without_date_line

MAX_POSITION = 16383  # PostgreSQL's largest position in a tsvector
# A token longer than a query term can be never matches one: cut (a lexeme has at most 2 KB).
MAX_TOKEN = 100


def _quoted(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(*texts: str) -> str:
    """The ``tsvector`` literal of the terms of ``texts``, each one position past the one
    before, so that no phrase runs from one text into the next."""
    positions: dict[str, list[str]] = {}
    position = 0
    for text in texts:
        for token in terms(fold(text)).split():
            position = min(position + 1, MAX_POSITION)
            positions.setdefault(token[:MAX_TOKEN], []).append(str(position))
        position += 1
    return " ".join(f"{_quoted(t)}:{','.join(p)}" for t, p in positions.items())


def _phrase(term: Term) -> str:
    tokens = [_quoted(token) for token in term.terms.split()]
    if term.prefix:
        tokens[-1] += ":*"
    return f"({' <-> '.join(tokens)})"


def tsquery(parsed: ParsedQuery) -> str | None:
    """The ``tsquery`` literal of a parsed query; None: nothing to find."""
    if not parsed.include:
        return None
    found = " & ".join(map(_phrase, parsed.include))
    if not parsed.exclude:
        return found
    return f"{found} & !({' | '.join(map(_phrase, parsed.exclude))})"


def _row(revision: Revision, edited: bool) -> dict[str, Any]:
    body = text_without_date_line(revision.text)
    time_ms = epoch_ms(revision.time)
    return {
        "article": revision.article,
        "rev": revision.rev,
        "source": revision.source,
        "edited": edited,
        "removed": revision.change == RevisionKind.REMOVED,
        "minute": minute(time_ms),
        "time_ms": time_ms,
        "path": revision.path,
        "url": revision.url,
        "title": revision.title,
        "body": body,
        "terms": tsvector(revision.title, body),
        "title_terms": tsvector(revision.title),
    }


TABLES = ("search_docs", "search_positions")  # migrations/0001_search.sql, 0003
_POSITION = """
    INSERT INTO search_positions (file, indexed_to) VALUES (%s, %s)
    ON CONFLICT (file) DO UPDATE
    SET indexed_to = greatest(search_positions.indexed_to, excluded.indexed_to)"""
_COLUMNS = (
    "article, rev, source, edited, removed, minute, time_ms, path, url, title, body, terms, "
    "title_terms"
)
_UPSERT = f"""
    INSERT INTO search_docs ({_COLUMNS})
    VALUES (%(article)s, %(rev)s, %(source)s, %(edited)s, %(removed)s, %(minute)s,
            %(time_ms)s, %(path)s, %(url)s, %(title)s, %(body)s, %(terms)s::tsvector,
            %(title_terms)s::tsvector)
    ON CONFLICT (article) DO UPDATE SET
        rev = excluded.rev, source = excluded.source,
        edited = search_docs.edited OR excluded.edited, removed = excluded.removed,
        minute = excluded.minute, time_ms = excluded.time_ms, path = excluded.path,
        url = excluded.url, title = excluded.title, body = excluded.body, terms = excluded.terms,
        title_terms = excluded.title_terms
    WHERE excluded.rev > search_docs.rev"""

# The newest matches, ranked; then the page's rows, whose text alone is read.
_SEARCH = """
    WITH found AS (
        SELECT article, minute, seq,
               1 + %(title_weight)s * (SELECT count(*) FROM unnest(%(phrases)s::tsquery[]) p
                                       WHERE title_terms @@ p) / %(phrases_count)s AS relevance
        FROM search_docs
        WHERE terms @@ %(query)s::tsquery AND minute >= %(low)s AND minute < %(high)s
          AND (%(any_source)s OR source = ANY(%(sources)s))
          AND (%(status)s::text IS NULL OR (%(status)s = 'edited' AND edited)
               OR (%(status)s = 'removed' AND removed))
        ORDER BY minute DESC, seq DESC LIMIT %(window)s
    ), page AS (
        SELECT * FROM (
            SELECT article, minute, seq,
                   relevance / (1 + (max(minute) OVER () - minute) / (%(days)s * 1440.0))
                     AS score,
                   count(*) OVER () AS found, min(minute) OVER () AS oldest
            FROM found
        ) ranked
        ORDER BY score DESC, minute DESC, seq DESC OFFSET %(offset)s LIMIT %(limit)s
    )
    SELECT d.article, d.source, d.edited, d.removed, d.path, d.title, d.url, d.time_ms, d.body,
           p.found, p.oldest
    FROM page p JOIN search_docs d USING (article)
    ORDER BY p.score DESC, p.minute DESC, p.seq DESC"""


def search_parameters(query: SearchQuery, parsed: ParsedQuery) -> dict[str, Any] | None:
    """``_SEARCH``'s parameters for ``query``; None when it can find nothing."""
    expression = tsquery(parsed)
    if expression is None or query.status not in (None, *STATUSES):
        return None
    low, high = (
        default if at is None else minute(at + MINUTE_MS - 1)  # from the next whole minute
        for at, default in ((query.since_ms, 0), (query.until_ms, 1 << 62))
    )
    return {
        "query": expression,
        "low": low,
        "high": high,
        "any_source": not query.sources,
        "sources": list(query.sources),
        "status": query.status,
        "window": WINDOW,
        "phrases": [_phrase(term) for term in parsed.include],
        "phrases_count": len(parsed.include),
        "title_weight": TITLE_WEIGHT,
        "days": RECENCY_DAYS,
        "offset": max(0, query.offset),
        "limit": min(max(0, query.limit), MAX_LIMIT),
    }


class PostgresSearch:
    """The search index in the database ``pool`` connects to (its schema upgraded), following
    the record as every cache does (store.follow); its faults are ``StoreError``."""

    def __init__(self, pool: ConnectionPool | Database) -> None:
        if isinstance(pool, Database):  # shared with the store and the record
            self.db = pool
        else:
            url = pool.conninfo if isinstance(pool.conninfo, str) else pool.name
            self.db = Database(pool, url)
        try:
            self.db.check_tables(TABLES)
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def index(self, entries: Iterable[Entry]) -> None:
        """Add appended revisions, in one transaction."""
        follow(self, list(entries))

    def delete(self, article: str) -> None:
        with self.db.connection() as db:
            db.execute("DELETE FROM search_docs WHERE article = %s", (article,))

    # Following the record (store.follow)

    def positions(self) -> Mapping[str, int]:
        rows = self.db.rows("SELECT file, indexed_to FROM search_positions")
        return {file: int(end) for file, end in rows}

    def reset(self) -> None:
        with self.db.connection() as db:
            db.execute("DELETE FROM search_docs")
            db.execute("DELETE FROM search_positions")

    def batches(self, log: Record, unread: Sequence[tuple[str, int]]) -> Iterator[list[Entry]]:
        return entries(log, unread)

    def prepare(self, entries: Sequence[Entry]) -> Sequence[Entry]:
        return entries

    def apply(self, batch: Sequence[Entry]) -> None:
        latest: dict[str, Revision] = {}
        edited: set[str] = set()
        for entry in batch:
            r = entry.revision
            if r.article not in latest or r.rev > latest[r.article].rev:
                latest[r.article] = r
            if r.change == RevisionKind.EDITED:
                edited.add(r.article)
        rows = [_row(r, r.article in edited) for r in latest.values()]
        with self.db.connection() as db, db.cursor() as cursor:
            if rows:
                cursor.executemany(_UPSERT, rows)
            # An edit older than the document (indexed out of order) still marks it.
            cursor.execute(
                "UPDATE search_docs SET edited = true WHERE article = ANY(%s) AND NOT edited",
                (sorted(edited),),
            )
            if batch:
                cursor.executemany(_POSITION, list(ends(batch).items()))

    def rebuild(self, log: Record) -> int:
        """Drop everything and index the whole record again."""
        self.reset()
        return catch_up(log, self)

    def search(self, query: SearchQuery) -> SearchPage:
        parsed = parse_query(query.text)
        parameters = search_parameters(query, parsed)
        if parameters is None:
            return SearchPage(query, (), 0, False)
        with self.db.connection() as db:
            # Never a prepared statement: a generic plan cannot tell a common term from a rare
            # one, and reads every document for both.
            page = rows = db.execute(_SEARCH, parameters, prepare=False).fetchall()
            if not rows:  # an empty page, past the last hit or of no size: count all the same
                first = {**parameters, "offset": 0, "limit": 1}
                rows = db.execute(_SEARCH, first, prepare=False).fetchall()
            if not rows:
                return SearchPage(query, (), 0, False)
            found, oldest = int(rows[0][9]), int(rows[0][10])
            total, estimate = found, False
            if found >= WINDOW:
                first, last = db.execute(
                    "SELECT min(minute), max(minute) FROM search_docs"
                ).fetchone() or (0, 0)
                top = min(parameters["high"] - 1, last)
                bottom = max(parameters["low"], first)
                reach = max(1, top - oldest)
                total, estimate = max(WINDOW, round(WINDOW * (top - bottom) / reach)), True
        pattern = highlighter([term.text for term in parsed.include])
        hits = tuple(
            make_hit(article, source, edited, removed, path, title, url, time_ms, body, pattern)
            for article, source, edited, removed, path, title, url, time_ms, body, _, _ in page
        )
        return SearchPage(query, hits, total, estimate)
