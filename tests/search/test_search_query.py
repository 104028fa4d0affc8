"""Search terms and queries: folding, Chinese bigrams, the query language, hostile input."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from newsmirror.errors import StoreError
from newsmirror.record.log import RecordLog
from newsmirror.record.model import Revision, RevisionKind
from newsmirror.search import SearchIndex, SearchQuery, marked_html, parse_query
from newsmirror.search.searching import USER_COLUMNS
from newsmirror.search.text import fold, query_terms, terms

HOSTILE = [
    '"unbalanced quote',
    'two "unbalanced "quotes',
    '"',
    '""',
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "a AND",
    "OR b",
    "NOT NOT",
    "NEAR(a b)",
    "title:secret",
    "{title body}: x",
    "source:voa",
    "*",
    "中*",
    "^中国",
    "-",
    "--",
    "- -",
    "(中国",
    "中国)",
    "((()))",
    "!!! ??? 。。。",
    "'; DROP TABLE docs; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    "x" * 10_000,
    "中国 " * 3_000,
    "中" * 5_000,
    "\x00\x01\x02中国\x7f\x9f",
    "\ud800\udfff 中国 \udc80",
    "﻿\u200b\u200e中国",
    "ＡＮＤ Ｏ",
    '-""',
    '-"中国',
]


def revision() -> Revision:
    return Revision(
        article="a1",
        rev=1,
        source="voa",
        path="articles/voa/a1.md",
        url="https://e.com/1",
        guid=None,
        title="中国新闻",
        published="2024-05-01T00:00:00Z",
        updated=None,
        first_seen="2024-05-01T00:00:00Z",
        fetched="2024-05-01T00:00:00Z",
        html="<p>中国的消息。</p>",
        text="中国的消息。",
        hash="h1",
    )


def test_fold_unifies_scripts_and_forms_and_keeps_the_length() -> None:
    assert fold("臺灣 國家") == fold("台湾 国家") == "台湾 国家"
    assert fold("ＰＵＴＩＮ Ｇ２０") == "putin g20"
    assert fold("İstanbul") == "istanbul"
    assert fold("a\x00b\ud800c") == "a b c"
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(chr(rng.randrange(0x30000)) for _ in range(rng.randrange(40)))
        assert len(fold(text)) == len(text)


def test_chinese_runs_become_bigrams_and_the_last_character() -> None:
    assert terms("俄乌战争").split() == ["俄乌", "乌战", "战争", "争"]
    assert terms(fold("G20峰会，中。Café “Putin”·x_y")).split() == [
        *("g20", "峰会", "会", "中", "cafe", "putin", "x", "y")  # words, no diacritics
    ]
    # Marks written apart from their letter (NFD) stay inside the word they are on.
    assert terms(fold("re\u0301sume\u0301 na\u0308ive中")).split() == ["resume", "naive", "中"]
    assert query_terms("中") == ("中", True)  # one character: a prefix
    assert query_terms("中俄")[0].split() == ["中俄"]
    assert query_terms("俄乌战争")[0].split() == ["俄乌", "乌战", "战争"]  # the run may go on
    assert query_terms("普京 putin")[0].split() == ["普京", "京", "putin"]


def test_the_query_language() -> None:
    query = parse_query('普京 Putin "vladimir putin" -乌克兰 -"no deal" NOT 俄罗斯 AND OR')
    assert [t.match for t in query.include] == ['"普京"', '"putin"', '"vladimir putin"']
    assert [t.match for t in query.exclude] == ['"乌克 克兰"', '"no deal"', '"俄罗 罗斯"']
    assert parse_query("G20峰会").include[0].match == '"g20 峰会"'
    assert parse_query("中").include[0].match == '"中" *'
    assert parse_query('"普京 访华"').include[0].match == '"普京 京访 访华"'  # no spaces in Chinese
    assert parse_query("中国 中国 臺灣 台湾").match("{x}") == '{x} : ("中国" AND "台湾")'
    assert parse_query("-中国 -美国").match(USER_COLUMNS) is None  # nothing to find
    assert parse_query("").match(USER_COLUMNS) is None
    assert len(parse_query(" ".join(f"w{n}" for n in range(100))).include) == 16


@pytest.fixture
def index(tmp_path: Path) -> SearchIndex:
    return SearchIndex(tmp_path / ".newsmirror" / "search.sqlite")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_return_normally(index: SearchIndex, text: str) -> None:
    page = index.search(SearchQuery(text, sources=("voa", '" OR x'), status="edited"))
    assert page.hits == () and page.total == 0
    expression = parse_query(text).match(USER_COLUMNS)
    if expression is not None:  # valid FTS5: the index runs it as it is
        index.db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (expression,)).fetchall()


def test_user_text_never_reaches_a_column_filter(index: SearchIndex, tmp_path: Path) -> None:
    log = RecordLog(tmp_path)
    edited = replace(revision(), rev=2, change=RevisionKind.EDITED, fetched="2024-05-02T00:00:00Z")
    index.index(log.append([revision(), edited]))
    assert [h.status for h in index.search(SearchQuery("中国")).hits] == ["edited"]
    for text in (
        "voa",
        "source:voa",
        "{source}: voa",
        "svoa",
        "s766f61",
        "edited",
        "status:edited",
    ):
        assert index.search(SearchQuery(text)).hits == (), text
    with pytest.raises(StoreError, match="syntax error"):  # what quoting every term prevents
        index.db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", ("NOT x",)).fetchall()


def test_bad_filters_and_pages_are_empty_not_errors(index: SearchIndex) -> None:
    for query in (
        SearchQuery("中国", status="deleted"),
        SearchQuery("中国", limit=-5, offset=-3),
        SearchQuery("中国", offset=10**12),
        SearchQuery("中国", since_ms=-(10**18), until_ms=10**18),
        SearchQuery("中国", since_ms=10**18, until_ms=0),
    ):
        assert index.search(query).hits == ()


def test_marked_html_escapes_every_part() -> None:
    segments = (("<b>", False), ("<script>", True), ("&", False))
    assert marked_html(segments) == "&lt;b&gt;<mark>&lt;script&gt;</mark>&amp;"
