"""render.feed_writers: Atom 1.0, RSS 2.0 and JSON Feed 1.1 checked against each specification's
required elements, read back by feedparser and by newsmirror's own parser, fed hostile values,
and read by a real feed reader (newsboat) over HTTP."""

from __future__ import annotations

import calendar
import hashlib
import html
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import lxml.etree  # type: ignore[import-untyped,unused-ignore]
import pytest

from newsmirror.feeds import parse_feed
from newsmirror.render.feed_writers import (
    FORMATS,
    FeedInfo,
    SyndicationItem,
    atom,
    atom_id,
    json_feed,
    rss,
)
from server import LocalServer, Reply

A = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")

Writer = Callable[[FeedInfo, Sequence[SyndicationItem]], bytes]

INFO = FeedInfo(
    title="美国之音 · 中文",
    home_url="https://mirror.example/lists/voa/",
    self_url="https://mirror.example/lists/voa/atom.xml",
    id="source:voa",
    description="美国之音的存档",
)

ITEMS = (
    SyndicationItem(
        id="3f2a9c0d1e4b5a67",
        title="拜登与习近平会晤：“对话而非对抗” & <更多>",
        link="https://mirror.example/articles/voa/2023-11-14-biden-xi.html",
        original_url="https://www.voachinese.com/a/biden-xi-20231114/7355555.html?x=1&y=2",
        published_ms=1_699_999_999_123,
        updated_ms=1_700_003_600_000,
        authors=("张三", "李四"),
        content_html=(
            "<p>美国总统拜登周三在旧金山与中国国家主席习近平会晤。</p>"
            '<p><a href="https://www.voachinese.com/">美国之音</a> 报道。</p>'
        ),
        summary="拜登与习近平在旧金山会晤 a < b",
        categories=("美中关系", "国际"),
    ),
    SyndicationItem(
        id="8b7c6d5e4f3a2b1c",
        title="台湾大选倒计时",
        link="https://mirror.example/articles/voa/2023-11-13-taiwan.html",
        original_url=None,
        published_ms=1_699_900_000_000,
        updated_ms=1_699_900_000_000,
        authors=(),
        content_html="<p>距离台湾总统大选还有两个月。</p>",
        summary="",
    ),
)


def moment(ms: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)


def xml(data: bytes) -> lxml.etree._Element:
    # The default parser is strict: anything not well-formed raises.
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    return lxml.etree.fromstring(data)


def texts(parent: lxml.etree._Element, path: str) -> list[str]:
    return [element.text or "" for element in parent.findall(path)]


def one(parent: lxml.etree._Element, path: str) -> lxml.etree._Element:
    found = parent.findall(path)
    assert len(found) == 1, f"{path}: {len(found)} elements"
    return found[0]


# --- each specification's required elements ------------------------------------------------------


def test_atom_has_what_rfc_4287_requires() -> None:
    feed = xml(atom(INFO, ITEMS))
    assert feed.tag == A + "feed"
    assert feed.get(XML_LANG) == "zh"
    assert one(feed, A + "id").text == atom_id(INFO.id)
    assert atom_id(INFO.id).startswith("urn:uuid:")
    assert one(feed, A + "title").text == INFO.title
    assert one(feed, A + "subtitle").text == INFO.description
    # The feed is as new as its newest entry.
    assert one(feed, A + "updated").text == "2023-11-14T23:13:20Z"
    links = {link.get("rel"): link for link in feed.findall(A + "link")}
    assert links["self"].get("href") == INFO.self_url
    assert links["self"].get("type") == "application/atom+xml"
    assert links["alternate"].get("href") == INFO.home_url
    # An entry has no author, so the feed has one (the feed's title) for it to inherit.
    assert texts(feed, f"{A}author/{A}name") == [INFO.title]

    entries = feed.findall(A + "entry")
    assert len(entries) == len(ITEMS)
    for entry, item in zip(entries, ITEMS, strict=True):
        assert one(entry, A + "id").text == atom_id(item.id)
        assert one(entry, A + "title").text == item.title
        for name in ("updated", "published"):
            assert RFC3339.match(one(entry, A + name).text or "")
        updated = one(entry, A + "updated").text or ""
        published = one(entry, A + "published").text or ""
        assert datetime.fromisoformat(updated) == moment(item.updated_ms)
        assert datetime.fromisoformat(published) == moment(item.published_ms)
        rels = {link.get("rel"): link.get("href") for link in entry.findall(A + "link")}
        expected = {"alternate": item.link} | (
            {"via": item.original_url} if item.original_url else {}
        )
        assert rels == expected
        assert texts(entry, f"{A}author/{A}name") == list(item.authors)
        assert [c.get("term") for c in entry.findall(A + "category")] == list(item.categories)
        assert texts(entry, A + "summary") == ([item.summary] if item.summary else [])
        content = one(entry, A + "content")
        assert content.get("type") == "html"
        assert content.text == item.content_html
    assert one(entries[0], A + "published").text == "2023-11-14T22:13:19.123Z"


def test_atom_feed_author_only_when_an_entry_lacks_one() -> None:
    feed = xml(atom(INFO, ITEMS[:1]))
    assert feed.findall(A + "author") == []
    assert texts(feed, f"{A}entry/{A}author/{A}name") == ["张三", "李四"]


def test_rss_has_what_rss_2_0_requires() -> None:
    rss_root = xml(rss(INFO, ITEMS))
    assert rss_root.tag == "rss"
    assert rss_root.get("version") == "2.0"
    channel = one(rss_root, "channel")
    assert one(channel, "title").text == INFO.title
    assert one(channel, "link").text == INFO.home_url
    assert one(channel, "description").text == INFO.description
    assert one(channel, "language").text == "zh"
    self_link = one(channel, A + "link")
    assert (self_link.get("rel"), self_link.get("href")) == ("self", INFO.self_url)
    assert self_link.get("type") == "application/rss+xml"
    assert one(channel, "lastBuildDate").text == "Tue, 14 Nov 2023 23:13:20 GMT"

    items = channel.findall("item")
    assert len(items) == len(ITEMS)
    for element, item in zip(items, ITEMS, strict=True):
        assert one(element, "title").text == item.title
        assert one(element, "link").text == item.link
        guid = one(element, "guid")
        assert (guid.text, guid.get("isPermaLink")) == (item.id, "false")
        pub_date = parsedate_to_datetime(one(element, "pubDate").text or "")
        # RFC 822 dates have whole seconds.
        assert pub_date == moment(item.published_ms // 1000 * 1000)
        # <description> is HTML to readers: the plain summary escaped, else the body.
        description = html.escape(item.summary, quote=False) or item.content_html
        assert one(element, "description").text == description
        assert one(element, CONTENT + "encoded").text == item.content_html
        assert texts(element, DC + "creator") == list(item.authors)
        assert texts(element, "category") == list(item.categories)
        assert element.findall("author") == []


def test_rss_description_falls_back_to_the_title() -> None:
    info = FeedInfo("标题", "https://m.example/", "https://m.example/rss.xml", "x", language="")
    channel = one(xml(rss(info, ITEMS)), "channel")
    assert one(channel, "description").text == "标题"
    assert channel.findall("language") == []


def test_json_feed_has_what_version_1_1_requires() -> None:
    feed = json.loads(json_feed(INFO, ITEMS).decode("utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == INFO.title
    assert feed["home_page_url"] == INFO.home_url
    assert feed["feed_url"] == INFO.self_url
    assert feed["language"] == "zh"
    assert feed["description"] == INFO.description
    assert len(feed["items"]) == len(ITEMS)
    first, second = feed["items"]
    assert first == {
        "id": ITEMS[0].id,
        "url": ITEMS[0].link,
        "external_url": ITEMS[0].original_url,
        "title": ITEMS[0].title,
        "content_html": ITEMS[0].content_html,
        "summary": ITEMS[0].summary,
        "date_published": "2023-11-14T22:13:19.123Z",
        "date_modified": "2023-11-14T23:13:20Z",
        "authors": [{"name": "张三"}, {"name": "李四"}],
        "tags": ["美中关系", "国际"],
    }
    # Optional keys are left out rather than empty.
    assert set(second) == {"id", "url", "title", "content_html", "date_published", "date_modified"}
    for item, source in zip(feed["items"], ITEMS, strict=True):
        for key, ms in (
            ("date_published", source.published_ms),
            ("date_modified", source.updated_ms),
        ):
            assert RFC3339.match(item[key])
            assert datetime.fromisoformat(item[key]) == moment(ms)


def test_json_feed_is_utf8_without_ascii_escapes() -> None:
    data = json_feed(INFO, ITEMS)
    assert "拜登".encode() in data
    assert b"\\u" not in data


def test_formats_table() -> None:
    assert {name: entry[:2] for name, entry in FORMATS.items()} == {
        "atom": ("atom.xml", "application/atom+xml"),
        "rss": ("rss.xml", "application/rss+xml"),
        "json": ("feed.json", "application/feed+json"),
    }
    assert [entry[2] for entry in FORMATS.values()] == [atom, rss, json_feed]


# --- read back by feed parsers -------------------------------------------------------------------


@pytest.mark.parametrize("writer", [atom, rss], ids=["atom", "rss"])
def test_feedparser_reads_back_every_value(writer: Writer) -> None:
    parsed = feedparser.parse(writer(INFO, ITEMS))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == ("atom10" if writer is atom else "rss20")
    assert parsed.feed.title == INFO.title
    assert parsed.feed.link == INFO.home_url
    assert parsed.feed.language == "zh"
    assert len(parsed.entries) == len(ITEMS)
    for entry, item in zip(parsed.entries, ITEMS, strict=True):
        assert entry.title == item.title
        assert entry.link == item.link
        assert entry.id == (atom_id(item.id) if writer is atom else item.id)
        assert calendar.timegm(entry.published_parsed) == item.published_ms // 1000
        assert [c.value for c in entry.content] == [item.content_html]
        assert [a.name for a in entry.get("authors", [])] == list(item.authors or ())
        assert [t.term for t in entry.get("tags", [])] == list(item.categories)
        if writer is atom:
            assert calendar.timegm(entry.updated_parsed) == item.updated_ms // 1000
            if item.summary:  # feedparser fills a missing summary from the content
                assert entry.summary == item.summary
            via = [link.href for link in entry.links if link.rel == "via"]
            assert via == ([item.original_url] if item.original_url else [])
    if writer is atom:
        assert parsed.feed.id == atom_id(INFO.id)
        assert (
            calendar.timegm(parsed.feed.updated_parsed) == max(i.updated_ms for i in ITEMS) // 1000
        )


@pytest.mark.parametrize("name", list(FORMATS))
def test_newsmirror_parser_reads_back_every_format(name: str) -> None:
    """feedparser 6.0 does not read JSON Feed; newsmirror's own parser reads all three."""
    _, media_type, writer = FORMATS[name]
    feed = parse_feed(writer(INFO, ITEMS), INFO.self_url, media_type)
    assert feed.format == name
    assert (feed.title, feed.link) == (INFO.title, INFO.home_url)
    for parsed, item in zip(feed.items, ITEMS, strict=True):
        assert parsed.guid == (atom_id(item.id) if name == "atom" else item.id)
        assert (parsed.url, parsed.title) == (item.link, item.title)
        assert parsed.content_html == item.content_html
        # Atom entries without an author inherit the feed's.
        inherited = (INFO.title,) if name == "atom" else ()
        assert parsed.authors == (item.authors or inherited)
        assert parsed.categories == item.categories
        assert parsed.published is not None
        assert int(parsed.published.timestamp()) == item.published_ms // 1000
    assert len(feed.items) == len(ITEMS)


# --- hostile values ------------------------------------------------------------------------------

NASTY_TITLE = (
    "<script>alert(1)</script> ]]> &amp; a\x00b\x01c\x08\x0b\x0c\x1b\x1f"
    " d\ud800e\udfff f\ufffe\uffff \u202e\u200fעברית\u202c 😀 \x7f 标题"
)
NASTY_TITLE_CLEAN = (
    "<script>alert(1)</script> ]]> &amp; abc de f \u202e\u200fעברית\u202c 😀 \x7f 标题"
)
NASTY_BODY = (
    "<p>正文 ]]> <![CDATA[ x ]]> &amp; &lt; <script>alert('x')</script>\x00\x1b</p>"
    "</content></entry></feed></channel></rss>\ud83d"
)
NASTY_BODY_CLEAN = (
    "<p>正文 ]]> <![CDATA[ x ]]> &amp; &lt; <script>alert('x')</script></p>"
    "</content></entry></feed></channel></rss>"
)
NASTY_INFO = FeedInfo(
    title="<script>站</script> & \x00",
    home_url="https://mirror.example/?a=1&b=<2>",
    self_url="https://mirror.example/feed?x=\"1\"&y='2'",
    id="feed\x00<&>",
    description="]]> \x01",
)
NASTY = SyndicationItem(
    id="id-\x00<&>\"'",
    title=NASTY_TITLE,
    link="https://mirror.example/a?x=1&y=<2>\x00",
    original_url="\x00",
    published_ms=0,
    updated_ms=1,
    authors=("\x00", " 作者 <b>&amp;</b> "),
    content_html=NASTY_BODY,
    summary="a < b && c > d ]]> \x00\x1f",
    categories=("\x01", "<类>&"),
)
LONG = SyndicationItem(
    id="long",
    title="长" * 100_000 + "<script>",
    link="https://mirror.example/long",
    original_url=None,
    published_ms=1_700_000_000_000,
    updated_ms=1_700_000_000_000,
    authors=(),
    content_html="<p>" + "很长的正文。" * 100_000 + "</p>",
    summary="",
)


def test_hostile_atom() -> None:
    data = atom(NASTY_INFO, [NASTY, LONG])
    assert_no_raw_markup(data)
    feed = xml(data)
    assert one(feed, A + "title").text == "<script>站</script> & "
    assert one(feed, A + "id").text == atom_id("feed<&>")
    links = [link.get("href") for link in feed.findall(A + "link")]
    assert links == [
        "https://mirror.example/feed?x=\"1\"&y='2'",
        "https://mirror.example/?a=1&b=<2>",
    ]
    nasty, long = feed.findall(A + "entry")
    assert one(nasty, A + "id").text == atom_id("id-<&>\"'")
    assert one(nasty, A + "title").text == NASTY_TITLE_CLEAN
    assert one(nasty, A + "content").text == NASTY_BODY_CLEAN
    assert one(nasty, A + "summary").text == "a < b && c > d ]]> "
    # The original URL was nothing but an illegal character: no via link.
    assert [link.get("href") for link in nasty.findall(A + "link")] == [
        "https://mirror.example/a?x=1&y=<2>"
    ]
    assert texts(nasty, f"{A}author/{A}name") == ["作者 <b>&amp;</b>"]
    assert [c.get("term") for c in nasty.findall(A + "category")] == ["<类>&"]
    assert one(nasty, A + "published").text == "1970-01-01T00:00:00Z"
    assert one(nasty, A + "updated").text == "1970-01-01T00:00:00.001Z"
    assert one(long, A + "title").text == LONG.title
    assert one(long, A + "content").text == LONG.content_html
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert [e.title for e in parsed.entries] == [NASTY_TITLE_CLEAN, LONG.title]


def test_hostile_rss() -> None:
    data = rss(NASTY_INFO, [NASTY, LONG])
    assert_no_raw_markup(data)
    channel = one(xml(data), "channel")
    assert one(channel, "title").text == "<script>站</script> & "
    assert one(channel, "description").text == "]]> "
    nasty, long = channel.findall("item")
    assert one(nasty, "title").text == NASTY_TITLE_CLEAN
    assert one(nasty, "guid").text == "id-<&>\"'"
    assert one(nasty, "link").text == "https://mirror.example/a?x=1&y=<2>"
    assert one(nasty, "description").text == "a &lt; b &amp;&amp; c &gt; d ]]&gt; "
    assert one(nasty, CONTENT + "encoded").text == NASTY_BODY_CLEAN
    assert texts(nasty, DC + "creator") == ["作者 <b>&amp;</b>"]
    assert texts(nasty, "category") == ["<类>&"]
    assert one(nasty, "pubDate").text == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert one(long, "title").text == LONG.title
    assert one(long, "description").text == LONG.content_html
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert [e.title for e in parsed.entries] == [NASTY_TITLE_CLEAN, LONG.title]
    assert [e.id for e in parsed.entries] == ["id-<&>\"'", "long"]


def test_hostile_json_feed() -> None:
    data = json_feed(NASTY_INFO, [NASTY, LONG])
    assert b"\x00" not in data
    assert b"\\u0000" not in data
    feed = json.loads(data.decode("utf-8"))
    assert feed["title"] == "<script>站</script> & "
    assert feed["feed_url"] == "https://mirror.example/feed?x=\"1\"&y='2'"
    nasty, long = feed["items"]
    assert nasty == {
        "id": "id-<&>\"'",
        "url": "https://mirror.example/a?x=1&y=<2>",
        "title": NASTY_TITLE_CLEAN,
        "content_html": NASTY_BODY_CLEAN,
        "summary": "a < b && c > d ]]> ",
        "date_published": "1970-01-01T00:00:00Z",
        "date_modified": "1970-01-01T00:00:00.001Z",
        "authors": [{"name": "作者 <b>&amp;</b>"}],
        "tags": ["<类>&"],
    }
    assert (long["title"], long["content_html"]) == (LONG.title, LONG.content_html)


def assert_no_raw_markup(data: bytes) -> None:
    """Markup in values stays escaped text: no tag, CDATA end or illegal character leaks out."""
    assert b"<script" not in data
    assert b"]]>" not in data
    assert b"<![CDATA[" not in data
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", data)
    data.decode("utf-8")  # strict: a lone surrogate would have failed here


@pytest.mark.parametrize("name", list(FORMATS))
def test_empty_feed(name: str) -> None:
    data = FORMATS[name][2](INFO, [])
    if name == "json":
        assert json.loads(data)["items"] == []
        return
    root = xml(data)
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.entries == []
    assert parsed.feed.title == INFO.title
    if name == "atom":
        # A fixed date, not the clock: the output stays the same from build to build.
        assert one(root, A + "updated").text == "1970-01-01T00:00:00Z"
        assert root.findall(A + "entry") == []
    else:
        assert one(root, "channel/lastBuildDate").text == "Thu, 01 Jan 1970 00:00:00 GMT"
        assert root.findall("channel/item") == []


# --- determinism ---------------------------------------------------------------------------------

DIGEST = """
import hashlib, sys
sys.path[:0] = [{here!r}, {tests!r}]
from test_feed_writers import INFO, ITEMS, NASTY, LONG
from newsmirror.render.feed_writers import FORMATS
for _, _, writer in FORMATS.values():
    print(hashlib.sha256(writer(INFO, [*ITEMS, NASTY, LONG])).hexdigest())
"""


def test_same_input_same_bytes() -> None:
    items = [*ITEMS, NASTY, LONG]
    digests = []
    for _, _, writer in FORMATS.values():
        first = writer(INFO, items)
        assert writer(INFO, list(items)) == first
        digests.append(hashlib.sha256(first).hexdigest())
    # Another process with another hash seed: nothing depends on set or dict ordering.
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        script = DIGEST.format(
            here=str(Path(__file__).parent), tests=str(Path(__file__).parents[1])
        )
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        assert run.stdout.split() == digests


# --- a real feed reader --------------------------------------------------------------------------


def test_newsboat_reads_atom_and_rss(server: LocalServer, tmp_path: Path) -> None:
    newsboat = shutil.which("newsboat")
    if newsboat is None:
        pytest.fail("newsboat is not installed: `apt-get install newsboat` (CI installs it)")
    hostile = SyndicationItem(
        id="nasty",
        title=NASTY_TITLE,
        link="https://mirror.example/nasty",
        original_url=None,
        published_ms=1_600_000_000_000,
        updated_ms=1_600_000_000_000,
        authors=("王五",),
        content_html=NASTY_BODY,
        summary="",
    )
    items = [*ITEMS, hostile]
    urls = []
    for name in ("atom", "rss"):
        file_name, media_type, writer = FORMATS[name]
        body = writer(INFO, items)
        server.route(f"/{file_name}", Reply(body=body, headers={"Content-Type": media_type}))
        urls.append(server.url(f"/{file_name}"))
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "urls").write_text("".join(url + "\n" for url in urls))
    (tmp_path / "config").write_text("")
    cache = tmp_path / "cache.db"
    # A clean environment: a temporary home, no proxy settings, a UTF-8 locale.
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
    # Its own url list, cache and configuration; -x reload fetches every feed and exits.
    files = ["-u", str(tmp_path / "urls"), "-c", str(cache), "-C", str(tmp_path / "config")]
    run = subprocess.run(
        [newsboat, *files, "-x", "reload"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    assert [server.hits(f"/{FORMATS[name][0]}") for name in ("atom", "rss")] == [1, 1]

    with closing(sqlite3.connect(cache)) as db:
        feeds = dict(db.execute("SELECT rssurl, title FROM rss_feed").fetchall())
        rows = db.execute(
            "SELECT feedurl, guid, title, author, url, pubDate, content FROM rss_item"
        ).fetchall()
    assert feeds == {url: INFO.title for url in urls}
    stored = {(row[0], row[1]): row[2:] for row in rows}
    assert len(stored) == 2 * len(items)
    for url, name in zip(urls, ("atom", "rss"), strict=True):
        for item in items:
            guid = atom_id(item.id) if name == "atom" else item.id
            title, author, link, pub_date, content = stored[url, guid]
            assert title == (NASTY_TITLE_CLEAN if item is hostile else item.title)
            assert content == (NASTY_BODY_CLEAN if item is hostile else item.content_html)
            assert link == item.link
            assert pub_date == item.published_ms // 1000
            if name == "atom":
                assert author == ", ".join(item.authors)
            else:
                # newsboat keeps only the last of several dc:creator elements.
                assert author == (item.authors[-1] if item.authors else "")
