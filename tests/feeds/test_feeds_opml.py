"""newsmirror.feeds: feed autodiscovery on web pages, and OPML read and written."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import lxml.etree  # type: ignore[import-untyped,unused-ignore]
import pytest
from test_feeds_hostile import HTML_PAGE

from conftest import DATA
from newsmirror.errors import MalformedFeed
from newsmirror.feeds import Outline, discover_feeds, read_opml, write_opml


def test_discovery_on_real_pages() -> None:
    rfi = (DATA / "realpages/rfi-cn/radarflow/rfi.html").read_bytes()
    assert discover_feeds(rfi, "https://www.rfi.fr/cn/") == ["https://www.rfi.fr/cn/rss"]
    detail = (DATA / "realpages/rfi-cn/radarflow/rfi_detail.html").read_bytes()
    assert discover_feeds(detail, "https://www.rfi.fr/cn/") == []
    # BBC Chinese pages link alternates by language (hreflang, no type), never a feed.
    for page in sorted((DATA / "realpages/bbc-zhongwen").glob("*.html")):
        assert discover_feeds(page.read_bytes(), "https://www.bbc.com/zhongwen/simp") == []


def test_discovery_order_base_and_comment_feeds() -> None:
    page = b"""<html><head><base href="https://cdn.example.com/site/">
      <link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/1">
      <link rel="alternate" type="application/rss+xml" title="Comments Feed" href="comments/feed">
      <link rel="alternate" type="application/feed+json" href="feed.json">
      <link rel="stylesheet" type="text/css" href="s.css">
      <link rel="alternate" hreflang="en" href="/en/">
      <link rel="Alternate" type="Application/RSS+XML; charset=utf-8" href="rss.xml" title="RSS">
      <link rel="alternate" type="application/atom+xml" href="https://other.example/atom">
      <link rel="alternate" type="application/atom+xml" href="javascript:void(0)">
      <link rel="alternate" type="application/rss+xml" href="rss.xml">
    </head><body></body></html>"""
    assert discover_feeds(page, "https://www.example.com/a/page.html") == [
        "https://cdn.example.com/site/rss.xml",
        "https://other.example/atom",
        "https://cdn.example.com/site/feed.json",
    ]
    only_comments = b"""<html><head><link rel="alternate" type="application/rss+xml"
      href="/comments/feed/" title="Comments"></head></html>"""
    assert discover_feeds(only_comments, "https://b.example/post") == [
        "https://b.example/comments/feed/"
    ]


def test_discovery_edge_cases() -> None:
    assert discover_feeds(b"", "https://a.example/") == []
    assert discover_feeds(b"   ", "https://a.example/") == []
    gbk_page = (
        '<html><head><meta charset="gbk"><title>新闻</title>'
        '<link rel="alternate" type="application/rss+xml" title="新闻订阅" href="../rss/新闻.xml">'
        "</head></html>"
    ).encode("gbk")
    assert discover_feeds(gbk_page, "https://a.example/x/y.html") == [
        "https://a.example/rss/新闻.xml"
    ]
    xhtml = (
        b'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
        b'<head><link rel="alternate" type="application/atom+xml" href="/atom"/></head></html>'
    )
    assert discover_feeds(xhtml, "https://a.example/") == ["https://a.example/atom"]


# --- OPML ----------------------------------------------------------------------------------------

OPML_NESTED = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<opml version="1.0">
  <head><title>My feeds</title></head>
  <body>
    <outline text="News">
      <outline text="VOA" type="rss" xmlUrl="https://www.voachinese.com/api/feed"
               htmlUrl="https://www.voachinese.com/"/>
      <outline text="Deeper">
        <outline title="RFI" text="ignored" xmlURL="https://www.rfi.fr/cn/rss"/>
      </outline>
    </outline>
    <outline text="Caf\xe9" type="rss" xmlurl="/relative.xml"/>
    <outline text="no feed" type="rss"/>
    <outline text="dup" type="rss" xmlUrl="https://www.voachinese.com/api/feed"/>
    <outline type="rss" xmlUrl="https://untitled.example/feed"/>
  </body>
</opml>"""


def test_read_opml_nested() -> None:
    assert read_opml(OPML_NESTED, "https://lists.example/me.opml") == [
        Outline("VOA", "https://www.voachinese.com/api/feed", "https://www.voachinese.com/", None),
        Outline("RFI", "https://www.rfi.fr/cn/rss", None, None),
        Outline("Café", "https://lists.example/relative.xml", None, None),
        Outline("https://untitled.example/feed", "https://untitled.example/feed", None, None),
    ]
    from_file = read_opml(OPML_NESTED, "/home/me/feeds.opml")
    assert [o.xml_url for o in from_file] == [
        "https://www.voachinese.com/api/feed",
        "https://www.rfi.fr/cn/rss",
        "https://untitled.example/feed",  # a relative URL means nothing in a local file
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"this is not xml",
        b"<opml><body><outline text='x'</body></opml>",
        b'<rss version="2.0"><channel></channel></rss>',
        HTML_PAGE,
    ],
)
def test_read_opml_garbage(data: bytes) -> None:
    with pytest.raises(MalformedFeed) as caught:
        read_opml(data, "feeds.opml")
    assert str(caught.value).startswith("feeds.opml: ") and "\n" not in str(caught.value)


def test_write_opml_round_trip() -> None:
    outlines = [
        Outline(
            "美国之音 & <VOA>",
            "https://www.voachinese.com/api/z?a=1&b=2",
            "https://www.voachinese.com/",
            "voa",
        ),
        Outline('RFI "中文"', "https://www.rfi.fr/cn/rss", None, None),
    ]
    data = write_opml("newsmirror sources", outlines)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert read_opml(data, "out.opml") == outlines
    root = lxml.etree.fromstring(data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "newsmirror sources"
    created = parsedate_to_datetime(root.findtext("head/dateCreated") or "")
    assert created.tzinfo is not None
    first, second = root.findall("body/outline")
    assert dict(first.attrib.items()) == {
        "text": "美国之音 & <VOA>",
        "title": "美国之音 & <VOA>",
        "type": "rss",
        "xmlUrl": "https://www.voachinese.com/api/z?a=1&b=2",
        "htmlUrl": "https://www.voachinese.com/",
        "newsmirrorAbbr": "voa",
    }
    assert "htmlUrl" not in second.attrib and "newsmirrorAbbr" not in second.attrib
    assert read_opml(write_opml("empty", []), "e.opml") == []
