"""Answering a query: the newest matches, ranked, with snippets.

Candidates: the ``WINDOW`` newest articles that match (rowids are in time order: ``rowids``).
Pages past the window are empty; a full window's total is estimated from how far back it
reaches.

Ranking: ``score = relevance / (1 + age_days / RECENCY_DAYS)``, ``age_days`` being how much
older an article is than the newest candidate: a month older needs twice the relevance, and at
equal relevance the newer comes first. Relevance is bm25 with the title weighted
``TITLE_WEIGHT`` times the body, when that is cheap. bm25 first counts, for each phrase of the
MATCH expression, every article it matches, whatever the window: 19 ms of CPU for a character
found in all of 200,000 articles, 10 ms for a common word. So each user term is probed (how far
back its ``PROBE`` newest matches reach tells how many it has) and sources and statuses are
counted as documents are written; when bm25 would count more than ``COUNT_BUDGET`` (times the
phrase's tokens, whose positions it compares), relevance is ``1 + TITLE_WEIGHT`` times the share
of the terms found in the title. Terms in that many articles have an idf close to nothing, and
bm25's differences with it.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter

from newsmirror.record.log import RecordLog
from newsmirror.record.model import RevisionKind, epoch_ms
from newsmirror.search.model import STATUSES, Hit, SearchPage, SearchQuery
from newsmirror.search.query import ParsedQuery, parse_query
from newsmirror.search.rowids import MAX_ROWID, minute_of, rowid_at
from newsmirror.search.snippets import highlighter, marked_title, snippet
from newsmirror.text.dateline import text_without_date_line

WINDOW = 1000  # newest matches ranked
MAX_LIMIT = 100
TITLE_WEIGHT = 3.0
RECENCY_DAYS = 30.0
COUNT_BUDGET = 25_000  # articles (times tokens in the phrase) bm25 may count: a few ms
PROBE = 100  # matches read to estimate how many articles a term is in
USER_COLUMNS = "{body title}"


def source_term(abbr: str) -> str:
    """The one token of a source in the ``source`` column (user text never reaches it)."""
    return "s" + abbr.encode().hex()


def search(db: sqlite3.Connection, log: RecordLog, query: SearchQuery) -> SearchPage:
    """Run ``query``; ``db`` should be in a read transaction (one snapshot)."""
    parsed = parse_query(query.text)
    user = parsed.match(USER_COLUMNS)
    if user is None or query.status not in (None, *STATUSES):
        return SearchPage(query, (), 0, False)
    expression = f"({user})"
    if query.sources:
        expression += f" AND {{source}} : ({' OR '.join(map(source_term, query.sources))})"
    if query.status:
        expression += f" AND {{status}} : {query.status}"
    low, high = rowid_at(query.since_ms, 0), rowid_at(query.until_ms, MAX_ROWID)
    first = db.execute("SELECT min(docid) FROM docs").fetchone()[0] or 0
    last = db.execute("SELECT max(docid) FROM docs").fetchone()[0] or 0
    bm25 = _count_cost(db, parsed, query, first, last) <= COUNT_BUDGET
    columns = f"rowid, -bm25(fts, 1.0, {TITLE_WEIGHT}, 0.0, 0.0)" if bm25 else "rowid, 1.0"
    found: list[tuple[int, float]] = db.execute(
        f"""SELECT {columns} FROM fts WHERE fts MATCH ? AND rowid >= ? AND rowid < ?
            ORDER BY rowid DESC LIMIT ?""",
        (expression, low, high, WINDOW),
    ).fetchall()
    if not found:
        return SearchPage(query, (), 0, False)
    rows = [rowid for rowid, _ in found]
    if not bm25:
        found = _title_relevance(db, parsed, rows)
    newest, per_minute = minute_of(rows[0]), 1 / (RECENCY_DAYS * 1440)
    ranked = sorted(
        ((relevance / (1 + (newest - minute_of(r)) * per_minute), r) for r, relevance in found),
        reverse=True,
    )
    start = max(0, query.offset)
    pattern = highlighter([term.text for term in parsed.include])
    page = ranked[start : start + min(max(0, query.limit), MAX_LIMIT)]
    hits = tuple(_hit(db, log, docid, pattern) for _, docid in page)
    if len(rows) < WINDOW:
        return SearchPage(query, hits, len(rows), False)
    # As many as the window holds in the time it reaches back, over the whole range searched.
    top, bottom = min(high - 1, last), max(low, first)
    reach = max(1, top - rows[-1])
    return SearchPage(query, hits, max(WINDOW, round(WINDOW * (top - bottom) / reach)), True)


def _count_cost(
    db: sqlite3.Connection, parsed: ParsedQuery, query: SearchQuery, first: int, last: int
) -> int:
    """About how many articles bm25 would count for this query (``first`` and ``last``: the
    index's oldest and newest rowid)."""
    counts: dict[str, int] = dict(db.execute("SELECT key, n FROM counts"))
    cost = sum(counts.get(f"source {abbr}", 0) for abbr in set(query.sources))
    cost += counts.get(f"status {query.status}", 0) if query.status else 0
    for term in (*parsed.include, *parsed.exclude):
        row = db.execute(
            "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            (f"{USER_COLUMNS} : {term.match}", PROBE - 1),
        ).fetchone()
        # Its PROBE newest matches reach back so far in the index's time: so many in all. A
        # phrase of several tokens costs more per article: their positions are compared.
        found = PROBE if row is None else PROBE * (last - first + 1) / (last - row[0] + 1)
        cost += round(found * term.tokens)
        if cost > COUNT_BUDGET:
            break
    return cost


def _title_relevance(
    db: sqlite3.Connection, parsed: ParsedQuery, rows: list[int]
) -> list[tuple[int, float]]:
    in_title: Counter[int] = Counter()
    for term in parsed.include:
        in_title.update(
            rowid
            for (rowid,) in db.execute(
                "SELECT rowid FROM fts WHERE fts MATCH ? AND rowid >= ? AND rowid <= ?",
                (f"{{title}} : {term.match}", rows[-1], rows[0]),
            )
        )
    share = TITLE_WEIGHT / len(parsed.include)
    return [(rowid, 1 + share * in_title[rowid]) for rowid in rows]


def _hit(
    db: sqlite3.Connection, log: RecordLog, docid: int, pattern: re.Pattern[str] | None
) -> Hit:
    article, source, status, file, offset = db.execute(
        "SELECT article, source, status, record_file, record_offset FROM docs WHERE docid = ?",
        (docid,),
    ).fetchone()
    r = log.read_at(file, offset)
    flags = status.split()
    return make_hit(
        article,
        source,
        RevisionKind.EDITED in flags,
        RevisionKind.REMOVED in flags,
        r.path,
        r.title,
        r.url,
        epoch_ms(r.time),
        text_without_date_line(r.text),
        pattern,
    )


def make_hit(
    article: str,
    source: str,
    edited: bool,
    removed: bool,
    path: str,
    title: str,
    url: str | None,
    time_ms: int,
    body: str,
    pattern: re.Pattern[str] | None,
) -> Hit:
    """A hit, its matches (``pattern``: ``highlighter``'s) marked in the title and a snippet
    of ``body`` (the text without its date line); the same for every backend."""
    shown = RevisionKind.REMOVED if removed else RevisionKind.EDITED if edited else ""
    return Hit(
        article,
        source,
        path,
        title,
        url,
        time_ms,
        shown,
        marked_title(title, pattern),
        snippet(body, pattern),
    )
