"""The lxml fast path gives exactly feedparser's Feed, or declines (None) and feedparser parses.

Every document goes through both paths (xmlfeed.parse_xml_feed_fast / parse_xml_feed_slow)
after the same preparation parse_feed does; whenever the fast path answers, the answers must be
equal. The answers are Feeds, so the equivalence is of what newsmirror reads: the fast path
leaves out what it never reads (the channel's parsed dates, for one), and feedparser's own
dictionary is not compared. Real feeds, the golden feed, test_feeds' fixtures and tricky
synthesized feeds are here; test_feeds_fast_random.py adds a few hundred generated ones and
test_feeds_fast_rules.py holds each written-out feedparser rule to feedparser.parse.
"""

from __future__ import annotations

import time
from datetime import datetime
from xml.sax.saxutils import escape

import feedparser
import pytest
import test_feeds as fixtures
from test_feeds_fast_tricky import DECLINED, TRICKY, voa_items

from conftest import DATA
from newsmirror.feeds import fastvalues, parse_feed, xmlfeed
from newsmirror.feeds.encoding import as_utf8_xml, decode_document
from newsmirror.feeds.fastrules import HANDLED_ENDS, HANDLED_STARTS
from newsmirror.feeds.fasttables import tables
from newsmirror.feeds.fastvalues import OddDate, parse_date, parse_odd_dates
from newsmirror.feeds.model import Feed
from newsmirror.feeds.text import utc_from_struct
from newsmirror.feeds.xmlfeed import parse_xml_feed_fast, parse_xml_feed_slow

URL = "https://example.com/feeds/main.xml"
GOLDEN = DATA / "golden" / "voa-fulltext-feed.xml"
REAL_FEEDS = sorted(
    path
    for path in (DATA / "realpages" / "other-feeds").rglob("*")
    if path.suffix in (".xml", ".rss")
)


def prepared(data: bytes, content_type: str | None = None) -> bytes:
    """What parse_feed hands to parse_xml_feed."""
    return as_utf8_xml(decode_document(data, content_type))


def both(data: bytes, url: str = URL, content_type: str | None = None) -> Feed | None:
    """The fast result (None if declined), after checking it equals feedparser's."""
    document = prepared(data, content_type)
    fast = parse_xml_feed_fast(document, url)
    if fast is not None:
        assert fast == parse_xml_feed_slow(document, url)
    return fast


def test_real_feeds_and_golden_feed_agree_and_take_the_fast_path() -> None:
    assert len(REAL_FEEDS) == 7
    for path in [*REAL_FEEDS, GOLDEN]:
        fast = both(path.read_bytes())
        assert fast is not None, f"{path.name} fell back to feedparser"
        assert fast.items


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_fifty_item_full_content_feeds_take_the_fast_path(fmt: str) -> None:
    fast = both(voa_items(50, fmt), "https://www.voachinese.com/api/feed")
    assert fast is not None and len(fast.items) == 50
    assert len({item.url for item in fast.items}) == 50
    assert all(item.published and (item.content_html or item.summary_html) for item in fast.items)


def _fixture_documents() -> dict[str, bytes]:
    rss2 = fixtures.RSS2
    docs = {
        "RSS2": rss2.encode(),
        "RSS2 content only": rss2.replace(
            "<description>short &lt;i&gt;summary&lt;/i&gt;</description>", ""
        ).encode(),
        "RSS2 entity text": rss2.replace(
            "<p>Full", '<!DOCTYPE html><p>Write <!ENTITY x "y"> in a DTD.</p><p>Full'
        ).encode(),
        "RSS1": fixtures.RSS1,
        "RSS091": fixtures.RSS091,
        "ATOM": fixtures.ATOM,
        "gb2312": (DATA / "realpages/other-feeds/rss-parser/encoding-gb2312.xml").read_bytes(),
        "atom 0.3": b"""<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">
      <title>Old Atom</title><link rel="alternate" type="text/html" href="http://ex.org/"/>
      <entry><title>E</title><link rel="alternate" type="text/html" href="http://ex.org/e"/>
      <id>tag:ex.org,2005:e</id><issued>2005-07-31T12:29:29Z</issued>
      <modified>2005-08-01T00:00:00Z</modified></entry></feed>""",
        "broken with items": b'<rss version="2.0"><channel><title>T&nbsp;V</title>'
        b"<item><title>One</title><link>https://a.example/1</link></item>"
        b"<item><title>Two</title><link>https://a.example/2</link></item><item><title>Thr",
        "no items": b'<rss version="2.0"><channel><title>Q</title></channel></rss>',
        "truncated": b'<?xml version="1.0"?><rss version="2.0"><chan',
        "catalog": b"<catalog><book>not a feed</book></catalog>",
    }
    for i, (titles, codec, declared, _) in enumerate(
        [
            (fixtures.SIMPLIFIED, "gbk", "gbk", None),
            (fixtures.TRADITIONAL, "big5", "utf-8", None),
            ([*fixtures.SIMPLIFIED, "𠀀€"], "gb18030", "gb2312", None),
            (fixtures.SIMPLIFIED, "utf-16", "utf-16", None),
        ]
    ):
        docs[f"chinese {i}"] = fixtures.chinese_feed(titles, codec, declared)
    return docs


FIXTURES = _fixture_documents()
ACCEPTED_FIXTURES = ["RSS2", "RSS2 content only", "RSS2 entity text", "RSS1", "RSS091", "ATOM"]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_feeds_fixtures_agree(name: str) -> None:
    fast = both(FIXTURES[name])
    if name in ACCEPTED_FIXTURES or name.startswith(("chinese", "gb", "atom")):
        assert fast is not None
    if name in ("broken with items", "no items", "truncated", "catalog"):
        assert fast is None  # malformed, empty or no feed: feedparser says what it is


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_feeds_agree(name: str) -> None:
    fast = both(TRICKY[name].encode(), "https://site.example/feeds/rss.xml")
    assert (fast is None) == (name in DECLINED), "declined" if fast is None else "accepted"


DATES = [
    "Sat, 4 Dec 2021 02:39:03 +0800",
    "Sat, 04 Dec 2021 02:39:03 GMT",
    "Sat, 04 Dec 2021 02:39 GMT",
    "04 Dec 2021 02:39:03 -0000",
    "Mon, 06 Dec 2021 02:39:03 -0030",
    "Sat, 04 Dec 2021 02:39:03 UT",
    "Sat, 04 Dec 2021 02:39:03 UTC",
    "Sat, 04 Dec 2021 02:39:03 Z",
    "Sat, 04 Dec 2021 02:39:03 +2400",
    "Sat, 04 Dec 2021 24:00:00 GMT",
    "Sat, 31 Feb 2021 02:39:03 GMT",
    "Mon, 06 Dec 2021 23:59:60 GMT",
    "Thu, 01 Jan 1970 00:00:00 GMT",
    "Sat, 01 Jan 0001 00:00:00 +0800",
    "Sat, 01 Jan 0099 00:00:00 GMT",
    "Sat, 01 Jan 1000 00:00:00 GMT",
    "Sat, 04 Dec 21 02:39:03 EST",
    "Tue, 10 Jun 2003 04:00:00 PDT",
    "Sat, 04 Dec 2021 23:39:03 CST",
    "Sat, 04 Dec 2021 02:39:03 CET",
    "Seg, 24 Set 2018 19:42:40 -0300",
    "Sunday, 05-Dec-21 02:39:03 GMT",
    "2021-12-04",
    "2021-12-04T02:39:03+08:00",
    "2021-12-04T02:39:03-05:30",
    "2021-12-04T02:39:03Z",
    "2021-12-04T02:39Z",
    "2021-12-04T02:39",
    "2021-12-04T02:39:03.999999Z",
    "2021-12-04T02:39:03.123+01:00",
    "2021-12-04T24:00:00Z",
    "2021-13-04T00:00:00Z",
    "2021-12-04T02:39:03+0530",
    "2021-12-04 02:39:03",
    "2021-12-04 02:39:03+08:00",
    "2021-12-04 24:00:00",
    "2018-09-19T05:11:22.000Z",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "2021-12",
    "20211204T023903Z",
    "not a date",
]


def _as_datetime(value: object) -> datetime | None:
    return utc_from_struct(value)  # as xmlmap reads it


def _ours(value: str) -> datetime | None:
    """The fast path's date: the standard library's, or feedparser's for odd shapes."""
    parsed = parse_date(value)
    if isinstance(parsed, OddDate):
        return _as_datetime(parse_odd_dates([parsed.value])[0])
    return _as_datetime(parsed)


def _feedparsers(value: str) -> datetime | None:
    """feedparser's own reading of the date, as an Atom entry's <updated>."""
    atom = f'<feed xmlns="http://www.w3.org/2005/Atom"><entry><updated>{escape(value)}</updated>'
    entry = dict.get(feedparser.parse(f"{atom}</entry></feed>".encode()), "entries")[0]
    parsed = dict.get(entry, "updated_parsed")
    return _as_datetime(parsed) if isinstance(parsed, time.struct_time) else None


@pytest.mark.parametrize("value", DATES)
def test_dates_agree_with_feedparser(value: str) -> None:
    assert _ours(value) == _feedparsers(value)


def test_generated_dates_agree_with_feedparser() -> None:
    days = ["Mon, ", "Sun, ", ""]
    zones = ["GMT", "+0800", "-0500", "+0530", "UT", "Z", "-0000", "+1400", "EST", "PDT", "CST"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    for n in range(600):
        day, month, year = 1 + n % 31, months[n % 12], 1969 + n * 7 % 80
        clock = f"{n % 24:02d}:{n * 7 % 60:02d}" + (f":{n * 13 % 61:02d}" if n % 5 else "")
        rfc = f"{days[n % 3]}{day} {month} {year} {clock} {zones[n % len(zones)]}"
        offset = ["Z", "+08:00", "-03:30", "", "+14:00"][n % 5]
        iso = f"{year}-{1 + n % 12:02d}-{day:02d}{'T '[n % 2]}{clock}{offset}"
        for value in (rfc, iso):
            assert _ours(value) == _feedparsers(value), value


def test_odd_dates_of_a_document_are_read_by_feedparser_in_one_call() -> None:
    odd = ["Sat, 04 Dec 21 02:39:03 EST", "2021-12-04 24:00:00", "no date", "Seg, 24 Set 2018"]
    assert all(isinstance(parse_date(value), OddDate) for value in odd)
    assert [_as_datetime(p) for p in parse_odd_dates(odd)] == [_feedparsers(v) for v in odd]


def test_public_path_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(document: bytes, url: str) -> Feed:
        raise AssertionError("feedparser used")

    monkeypatch.setattr(xmlfeed, "parse_xml_feed_slow", refuse)
    feed = parse_feed(GOLDEN.read_bytes(), "https://www.voachinese.com/api/feed")
    assert feed.items[0].title == "中俄加深非正式同盟关系 双方还能走多近？"
    assert parse_feed(fixtures.ATOM, "https://blog.example.org/sub/feed.atom").format == "atom"


def test_public_path_falls_back_when_the_fast_path_declines() -> None:
    data = FIXTURES["broken with items"]
    assert parse_xml_feed_fast(prepared(data), URL) is None
    assert [item.title for item in parse_feed(data, URL).items][:2] == ["One", "Two"]


def test_public_path_falls_back_when_the_fast_path_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if a feedparser release no longer read the odd dates back: feedparser parses it all.
    def moved(values: list[str]) -> list[time.struct_time | None]:
        raise AttributeError("module 'feedparser' has no attribute 'parse'")

    monkeypatch.setattr(fastvalues, "parse_odd_dates", moved)
    data = (DATA / "realpages/other-feeds/rss-parser/uolNoticias.rss").read_bytes()
    assert parse_xml_feed_fast(prepared(data), URL) is None
    feed = parse_feed(data, URL)
    assert len(feed.items) == 15 and feed == parse_xml_feed_slow(prepared(data), URL)


def test_ported_handlers_are_feedparsers_own() -> None:
    # A start or end handler feedparser lacks would change what an element does; the
    # elements feedparser handles that are not ported make the fast path decline instead.
    starts, ends = tables()
    assert set(starts) <= HANDLED_STARTS and set(ends) <= HANDLED_ENDS
    not_ported = HANDLED_STARTS - set(starts)
    assert {"georss_point", "psc_chapter", "cc_license", "dcterms_valid"} <= not_ported
