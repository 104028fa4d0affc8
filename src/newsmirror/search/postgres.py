"""The search index in PostgreSQL, for an archive shared by several machines: the same terms,
query language and answers as the SQLite index (``index``), in ``search_docs`` (its schema:
store/postgres/migrations).

Terms. PostgreSQL's own parsers know nothing of Chinese, so none of them is used: the project's
terms (``text.terms``: CJK bigrams and final characters, folded words) are written as a
``tsvector`` literal, lexeme by lexeme with their positions (the ``simple`` way: no stemming, no
stop words), the body's positions one past the title's so that no phrase runs from one into the
other. A query term becomes a phrase of its tokens (``'俄乌' <-> '乌战' <-> '战争'``).
PostgreSQL keeps positions up to 16,383: such a phrase is found only in an article's first
16,000 or so tokens (single terms anywhere).

Grams. A phrase is checked against the positions stored in each candidate (a 10 KB ``tsvector``
read back from TOAST): too slow for the thousand newest matches of a common word. So ``grams``
also holds, without positions, each CJK character and each run of three and four characters:
a Chinese word of one, three or four characters is one lexeme there (of two, one bigram of
``terms``), which the GIN index answers exactly with no document read; a longer one is first
narrowed by its four-character grams, then its phrase checked. Two lexemes, one meaning: a
string of three or four characters is in the text exactly when its bigrams stand in a row.

Ranking, as ``searching`` does for terms too common for bm25: the ``WINDOW`` newest matches,
relevance ``1 + TITLE_WEIGHT`` times the share of the query's terms found in the title (a small
column of its own: the document's terms are not read again), divided by ``1 + age_days /
RECENCY_DAYS``. The text is read only for the page's hits, for their snippets.

Plans. Each search is planned for its own terms (never a prepared statement). Both GIN indexes
lead with the minute (btree_gin), so one index scan finds a word's matches within a time range
without reading its whole posting list, and no document is read to test it; ``_newest`` looks
in the newest documents first and further back only when they hold too few matches. A bound
on the minute is written only when it leaves some documents out: in a GIN index each bound is
a scan of every minute it lets in. No other plan is open to the planner (no btree on the
minute or the source, no sequential scan, no index walk): each of those tests document after
document, its terms read back from TOAST, at a cost the planner does not see.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from psycopg import Connection
from psycopg_pool import ConnectionPool

from newsmirror.record.log import Entry
from newsmirror.record.model import Revision, RevisionKind, epoch_ms
from newsmirror.record.protocol import Record
from newsmirror.search.model import STATUSES, SearchPage, SearchQuery
from newsmirror.search.query import ParsedQuery, Term, parse_query
from newsmirror.search.rowids import MINUTE_MS, minute
from newsmirror.search.searching import MAX_LIMIT, RECENCY_DAYS, TITLE_WEIGHT, WINDOW, make_hit
from newsmirror.search.snippets import highlighter
from newsmirror.search.text import CJK, fold, terms
from newsmirror.store.follow import FollowsEntries, catch_up, ends, follow
from newsmirror.store.postgres.database import Database
from newsmirror.text.dateline import text_without_date_line

MAX_POSITION = 16383  # PostgreSQL's largest position in a tsvector
# A token longer than a query term can be never matches one: cut (a lexeme has at most 2 KB).
MAX_TOKEN = 100
REACH = 4 * WINDOW  # newest documents a search looks in first
GRAM = 4  # characters in the longest grams
_RUN = re.compile(f"{CJK}+")


def _quoted(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(*texts: str) -> str:
    """The ``tsvector`` literal of the terms of ``texts`` (folded), each one position past the
    one before, so that no phrase runs from one text into the next."""
    positions: dict[str, list[str]] = {}
    position = 0
    for text in texts:
        for token in terms(text).split():
            position = min(position + 1, MAX_POSITION)
            positions.setdefault(token[:MAX_TOKEN], []).append(str(position))
        position += 1
    return " ".join(f"{_quoted(t)}:{','.join(p)}" for t, p in positions.items())


def grams(*texts: str) -> list[str]:
    """The one-, three- and four-character strings of the CJK runs of ``texts`` (folded)."""
    found: set[str] = set()
    for text in texts:
        for run in _RUN.findall(text):
            found.update(run)
            for size in (3, GRAM):
                found.update(run[at : at + size] for at in range(len(run) - size + 1))
    return sorted(found)


def _phrase(term: Term) -> str:
    tokens = [_quoted(token) for token in term.terms.split()]
    if term.prefix:
        tokens[-1] += ":*"
    return f"({' <-> '.join(tokens)})"


def _grams(term: Term) -> str | None:
    """What ``grams`` must hold for ``term``: its one gram for one, three or four CJK
    characters, the four-character grams that cover a longer run; None for any other term
    (two characters are one bigram of ``terms``)."""
    text = term.text
    if len(text) == 2 or not _RUN.fullmatch(text):
        return None
    starts = sorted({*range(0, len(text) - GRAM, GRAM), max(0, len(text) - GRAM)})
    return f"({' & '.join(_quoted(text[at : at + GRAM]) for at in starts)})"


def _exact(term: Term) -> bool:
    """Whether ``term``'s grams alone tell it (no positions to compare)."""
    return _grams(term) is not None and len(term.text) <= GRAM


def match(parsed: ParsedQuery) -> tuple[str, dict[str, str]] | None:
    """The SQL condition a document must meet for ``parsed``, and its parameters (``terms``
    and ``grams``: ``tsquery`` literals); None: nothing to find."""
    if not parsed.include:
        return None
    queries: dict[str, tuple[list[str], list[str]]] = {"terms": ([], []), "grams": ([], [])}
    for n, side in enumerate((parsed.include, parsed.exclude)):
        for term in side:
            if (gram := _grams(term)) is not None:
                queries["grams"][n].append(gram)
            if not _exact(term):
                queries["terms"][n].append(_phrase(term))
    conditions, parameters = [], {}
    for column, (include, exclude) in queries.items():
        test = f"{column} @@ %({column})s::tsquery"
        if include:
            excluded = f" & !({' | '.join(exclude)})" if exclude else ""
            conditions.append(test)
            parameters[column] = " & ".join(include) + excluded
        elif exclude:  # exclusions alone are no use to an index: a filter of what was found
            conditions.append(f"NOT ({test})")
            parameters[column] = " | ".join(exclude)
    return " AND ".join(conditions), parameters


def _row(revision: Revision, edited: bool) -> dict[str, Any]:
    body = text_without_date_line(revision.text)
    time_ms = epoch_ms(revision.time)
    title, folded = fold(revision.title), fold(body)
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
        "terms": tsvector(title, folded),
        "grams": grams(title, folded),
        "title_terms": tsvector(title),
    }


TABLES = ("search_docs", "search_positions")  # migrations/0001_search.sql, 0003
_POSITION = """
    INSERT INTO search_positions (file, indexed_to) VALUES (%s, %s)
    ON CONFLICT (file) DO UPDATE
    SET indexed_to = greatest(search_positions.indexed_to, excluded.indexed_to)"""
_COLUMNS = (
    "article, rev, source, edited, removed, minute, time_ms, path, url, title, body, terms, "
    "grams, title_terms"
)
_UPSERT = f"""
    INSERT INTO search_docs ({_COLUMNS})
    VALUES (%(article)s, %(rev)s, %(source)s, %(edited)s, %(removed)s, %(minute)s,
            %(time_ms)s, %(path)s, %(url)s, %(title)s, %(body)s, %(terms)s::tsvector,
            array_to_tsvector(%(grams)s::text[]), %(title_terms)s::tsvector)
    ON CONFLICT (article) DO UPDATE SET
        rev = excluded.rev, source = excluded.source,
        edited = search_docs.edited OR excluded.edited, removed = excluded.removed,
        minute = excluded.minute, time_ms = excluded.time_ms, path = excluded.path,
        url = excluded.url, title = excluded.title, body = excluded.body, terms = excluded.terms,
        grams = excluded.grams, title_terms = excluded.title_terms
    WHERE excluded.rev > search_docs.rev"""

# The newest matches, ranked; then the page's rows, whose text alone is read.
_SEARCH = """
    WITH found AS (
        SELECT article, minute, seq,
               1 + %(title_weight)s * (SELECT count(*) FROM unnest(%(phrases)s::tsquery[]) p
                                       WHERE title_terms @@ p) / %(phrases_count)s AS relevance
        FROM search_docs
        WHERE {match}{window}
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
    """``_SEARCH``'s parameters for ``query`` (``match``: its condition); None when it can
    find nothing."""
    found = match(parsed)
    if found is None or query.status not in (None, *STATUSES):
        return None
    low, high = (
        default if at is None else minute(at + MINUTE_MS - 1)  # from the next whole minute
        for at, default in ((query.since_ms, 0), (query.until_ms, 1 << 62))
    )
    return {
        "match": found[0],
        **found[1],
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


def _window(since: int, high: int, first: int, last: int) -> str:
    """The condition on the minute for ``since <= minute < high``, with no bound that every
    document meets: in a GIN index each bound is a scan of the minutes it lets in, and one
    that lets in all of them reads an entry of every document."""
    bounds = [" AND minute >= %(since)s::bigint"] if since > first else []
    return "".join(bounds + ([" AND minute < %(high)s::bigint"] if high <= last else []))


def _newest(
    db: Connection[Any], parameters: dict[str, Any], density: float, reach: int
) -> tuple[list[Any], int, int] | None:
    """The page of ``sql``, the number of matches in its window and the oldest one's minute;
    None: no match.

    A common word's newest ``WINDOW`` matches are among the newest documents: the search
    looks in about the ``reach`` newest first (``density``: documents a minute), further back
    only when they hold too few (as far as the matches found so far say it needs), and in the
    whole range last: the same answer, read from a small part of the indexes.
    """
    low, high, first, last = (parameters[k] for k in ("low", "high", "first", "last"))
    top = min(high, last + 1)
    while True:
        since = max(low, top - math.ceil(reach / density)) if density > 0 else low
        window = {**parameters, "since": since}
        sql = _SEARCH.format(match=parameters["match"], window=_window(since, high, first, last))
        # Never a prepared statement: a generic plan cannot tell a common term from a rare one.
        page = rows = db.execute(sql, window, prepare=False).fetchall()
        if not rows:  # an empty page, past the last hit or of no size: count all the same
            rows = db.execute(sql, {**window, "offset": 0, "limit": 1}, prepare=False).fetchall()
        found = int(rows[0][9]) if rows else 0
        if found >= WINDOW or since == low:
            return (page, found, int(rows[0][10])) if rows else None
        # Far enough back to hold twice the window at the rate found so far; with none found
        # the word is rare, and its matches are few wherever they are: the whole range.
        density = density if found else 0
        reach = reach * 2 * WINDOW // max(1, found)


class PostgresSearch(FollowsEntries):
    """The search index in the database ``pool`` connects to (its schema upgraded), following
    the record as every cache does (store.follow); its faults are ``StoreError``."""

    def __init__(self, pool: ConnectionPool | Database, reach: int = REACH) -> None:
        """``reach``: how many of the newest documents a search looks in first."""
        self.reach = reach
        if isinstance(pool, Database):  # shared with the store and the record: theirs to close
            self.db, owned = pool, False
        else:
            url = pool.conninfo if isinstance(pool.conninfo, str) else pool.name
            self.db, owned = Database(pool, url), True
        try:
            self.db.check_tables(TABLES)
        except BaseException:
            if owned:
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
            if edited:  # an edit older than the document (indexed out of order) still marks it
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
            # One snapshot: a bound left out for the span read first holds for every step.
            db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            first, last, count = db.execute(
                """SELECT -max(-minute), -min(-minute),  -- search_docs_span
                          (SELECT reltuples FROM pg_class WHERE oid = 'search_docs'::regclass)
                   FROM search_docs"""
            ).fetchone() or (None, None, None)
            if first is None:
                return SearchPage(query, (), 0, False)
            # Only the GIN indexes: every other plan tests each document's terms (Plans).
            db.execute("SET LOCAL enable_indexscan = off")
            db.execute("SET LOCAL enable_seqscan = off")
            density = (count or 0) / (last - first + 1)
            limits = {**parameters, "first": first, "last": last}
            answer = _newest(db, limits, density, self.reach)
        if answer is None:
            return SearchPage(query, (), 0, False)
        page, found, oldest = answer
        total, estimate = found, False
        if found >= WINDOW:
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
