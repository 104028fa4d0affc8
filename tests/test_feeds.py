"""newsmirror.feeds: formats, real feeds, encodings, hostile XML, bad input, discovery, OPML."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import lxml.etree  # type: ignore[import-untyped,unused-ignore]
import pytest

from conftest import DATA
from newsmirror.errors import FeedError, HostileFeed, MalformedFeed, NotAFeed
from newsmirror.feeds import (
    Feed,
    FeedItem,
    Outline,
    discover_feeds,
    looks_like_html,
    parse_feed,
    read_opml,
    write_opml,
)

OTHER_FEEDS = DATA / "realpages" / "other-feeds"
FEED_URL = "https://example.com/feeds/main.xml"


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def only(feed: Feed) -> FeedItem:
    assert len(feed.items) == 1
    return feed.items[0]


# --- formats -------------------------------------------------------------------------------------

RSS2 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>Chan &amp; Co</title>
  <link>/news/</link>
  <item>
    <title>A &lt;b&gt;bold&lt;/b&gt;  move &amp;amp; more</title>
    <link>/news/a/1.html</link>
    <guid isPermaLink="false">12345</guid>
    <dc:creator>Jane Doe</dc:creator>
    <category>World</category><category>Asia</category><category>World</category>
    <pubDate>Sat, 04 Dec 2021 10:39:03 +0800</pubDate>
    <description>short &lt;i&gt;summary&lt;/i&gt;</description>
    <content:encoded><![CDATA[<p>Full <a href="/rel">text</a></p>]]></content:encoded>
    <enclosure url="/img/lead.jpg" type="image/jpeg" length="1"/>
  </item>
  <item>
    <title><![CDATA[CDATA <i>title</i> &amp; more]]></title>
    <guid>https://example.com/news/perma/2</guid>
    <pubDate>not a date</pubDate>
    <media:content url="https://cdn.example.com/m.jpg" medium="image"/>
  </item>
  <item>
    <title>No link, guid not a permalink</title>
    <guid isPermaLink="false">https://example.com/news/3</guid>
    <link>javascript:alert(1)</link>
    <media:thumbnail url="https://cdn.example.com/t.jpg"/>
  </item>
  <item><description></description></item>
</channel>
</rss>
"""


def test_rss2_with_content_encoded() -> None:
    feed = parse_feed(RSS2.encode(), FEED_URL)
    assert (feed.format, feed.title, feed.link) == ("rss", "Chan & Co", "https://example.com/news/")
    first, second, third = feed.items  # the fourth item has nothing at all and is dropped
    assert first == FeedItem(
        guid="12345",  # not turned into a URL
        url="https://example.com/news/a/1.html",
        title="A bold  move & more",  # tags stripped, entities decoded, inner spaces kept
        authors=("Jane Doe",),
        published=utc(2021, 12, 4, 2, 39, 3),
        updated=None,
        content_html='<p>Full <a href="/rel">text</a></p>',  # not rewritten: resolved later
        summary_html="short <i>summary</i>",
        categories=("World", "Asia"),
        image="https://example.com/img/lead.jpg",
    )
    assert second.title == "CDATA title & more"
    assert second.url == "https://example.com/news/perma/2"  # permalink guid stands in for link
    assert second.published is None  # unparseable, no exception
    assert second.image == "https://cdn.example.com/m.jpg"
    assert (second.content_html, second.summary_html) == (None, None)
    assert third.url is None  # javascript: is no link; the guid says it is not a permalink
    assert third.image == "https://cdn.example.com/t.jpg"


def test_rss2_content_only_has_no_summary() -> None:
    data = RSS2.replace("<description>short &lt;i&gt;summary&lt;/i&gt;</description>", "")
    first = parse_feed(data.encode(), FEED_URL).items[0]
    assert first.content_html == '<p>Full <a href="/rel">text</a></p>'
    assert first.summary_html is None  # feedparser copies content to summary; we do not


RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://ex.org/"><title>RDF site</title><link>https://ex.org/</link>
    <description>d</description></channel>
  <item rdf:about="https://ex.org/1"><title>One</title><link>https://ex.org/1</link>
    <description>First &lt;b&gt;item&lt;/b&gt;</description>
    <dc:date>2021-12-04T10:39:03+08:00</dc:date><dc:creator>Ann</dc:creator>
    <dc:subject>Sub</dc:subject></item>
  <item rdf:about="https://ex.org/2"><title>Two</title><link>https://ex.org/2</link></item>
</rdf:RDF>"""


def test_rss1_rdf() -> None:
    feed = parse_feed(RSS1, "https://ex.org/index.rdf")
    assert (feed.format, feed.title, feed.link) == ("rdf", "RDF site", "https://ex.org/")
    one, two = feed.items
    assert (one.guid, one.url, one.title) == ("https://ex.org/1", "https://ex.org/1", "One")
    assert one.updated == utc(2021, 12, 4, 2, 39, 3)  # dc:date is a modification date
    assert one.published is None
    assert (one.authors, one.categories) == (("Ann",), ("Sub",))
    assert one.summary_html == "First <b>item</b>"
    assert two.url == "https://ex.org/2"


RSS091 = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old \xe9cole</title><link>http://ex.net/</link>
<description>d</description><language>fr</language>
<item><title>Caf\xe9 &amp; cr\xe8me</title><link>http://ex.net/a</link>
<description>Plain text</description></item>
</channel></rss>"""


def test_rss091_with_public_doctype() -> None:
    feed = parse_feed(RSS091, "http://ex.net/rss")  # a DOCTYPE without entities is fine
    assert (feed.format, feed.title) == ("rss", "Old école")
    item = only(feed)
    assert (item.title, item.url, item.summary_html) == (
        "Café & crème",
        "http://ex.net/a",
        "Plain text",
    )


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://blog.example.org/sub/">
  <title type="html">A &lt;i&gt;blog&lt;/i&gt;</title>
  <link href="./"/><link rel="self" href="feed.atom"/>
  <id>urn:uuid:60a76c80</id><updated>2021-12-05T00:00:00Z</updated>
  <author><name>Feed Author</name></author>
  <entry xml:base="posts/">
    <title>P1</title>
    <link rel="alternate" type="text/html" href="p1.html"/>
    <link rel="enclosure" type="image/png" href="/i.png"/>
    <id>tag:example.org,2021:1</id>
    <published>2021-12-04T10:39:03+08:00</published>
    <updated>2021-12-05T01:00:00+01:00</updated>
    <author><name>Ann</name></author><author><name>Bob</name><email>b@example.org</email></author>
    <category term="t1" label="Tag One"/><category term="t2"/>
    <summary>S &lt; x</summary>
    <content type="html">&lt;p&gt;C &lt;a href="rel"&gt;l&lt;/a&gt;&lt;/p&gt;</content>
  </entry>
  <entry>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">X <b>title</b></div></title>
    <link href="/abs/2"/>
    <id>tag:example.org,2021:2</id>
    <updated>2021-12-06T00:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Body</p></div></content>
  </entry>
</feed>"""


def test_atom_with_xml_base() -> None:
    feed = parse_feed(ATOM, "https://blog.example.org/sub/feed.atom")
    assert (feed.format, feed.title, feed.link) == (
        "atom",
        "A blog",
        "https://blog.example.org/sub/",
    )
    first, second = feed.items
    assert first.url == "https://blog.example.org/sub/posts/p1.html"  # two xml:base levels
    assert first.guid == "tag:example.org,2021:1"
    assert first.published == utc(2021, 12, 4, 2, 39, 3)
    assert first.updated == utc(2021, 12, 5, 0, 0, 0)
    assert first.authors == ("Ann", "Bob")
    assert first.categories == ("t1", "t2")
    assert first.summary_html == "S &lt; x"  # type="text" summary, escaped as HTML
    assert first.content_html == '<p>C <a href="rel">l</a></p>'
    assert first.image == "https://blog.example.org/i.png"
    assert second.title == "X title"
    assert second.url == "https://blog.example.org/abs/2"
    assert second.authors == ("Feed Author",)  # RFC 4287: inherited from the feed
    assert second.published is None and second.updated == utc(2021, 12, 6)
    assert second.content_html is not None and "<p>Body</p>" in second.content_html


def test_atom_03() -> None:
    data = b"""<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">
      <title>Old Atom</title><link rel="alternate" type="text/html" href="http://ex.org/"/>
      <entry><title>E</title><link rel="alternate" type="text/html" href="http://ex.org/e"/>
      <id>tag:ex.org,2005:e</id><issued>2005-07-31T12:29:29Z</issued>
      <modified>2005-08-01T00:00:00Z</modified></entry></feed>"""
    feed = parse_feed(data, "http://ex.org/atom.xml")
    assert (feed.format, feed.link) == ("atom", "http://ex.org/")
    item = only(feed)
    assert (item.url, item.published) == ("http://ex.org/e", utc(2005, 7, 31, 12, 29, 29))


JSON_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "JSON 新闻",
    "home_page_url": "https://json.example.com/",
    "feed_url": "https://json.example.com/feed.json",
    "authors": [{"name": "Desk"}],
    "items": [
        {
            "id": "1",
            "url": "/posts/1",
            "title": "Hello &amp; <b>world</b>",
            "content_html": "<p>Hi <img src='/a.png'></p>",
            "summary": "A < B",
            "date_published": "2021-12-04T10:39:03+08:00",
            "date_modified": "2021-12-05T00:00:00Z",
            "authors": [{"name": "Ann"}, {"url": "https://x"}],
            "tags": ["a", "b"],
            "image": "https://img.example.com/1.jpg",
        },
        {
            "id": 2,
            "content_text": "Line one & two\n\nSecond <para>",
            "date_published": "yesterday",
        },
        {"id": "", "title": ""},
        "not an item",
    ],
}


def test_json_feed_1_1() -> None:
    feed = parse_feed(json.dumps(JSON_FEED).encode(), "https://json.example.com/feed.json")
    assert (feed.format, feed.title, feed.link) == (
        "json",
        "JSON 新闻",
        "https://json.example.com/",
    )
    first, second = feed.items
    assert first == FeedItem(
        guid="1",
        url="https://json.example.com/posts/1",
        title="Hello & world",  # text only, as for RSS and Atom
        authors=("Ann",),
        published=utc(2021, 12, 4, 2, 39, 3),
        updated=utc(2021, 12, 5),
        content_html="<p>Hi <img src='/a.png'></p>",
        summary_html="A &lt; B",
        categories=("a", "b"),
        image="https://img.example.com/1.jpg",
    )
    assert (second.guid, second.url, second.title, second.content_html) == ("2", None, "", None)
    assert second.summary_html == "<p>Line one &amp; two</p><p>Second &lt;para&gt;</p>"
    assert second.authors == ("Desk",)  # 1.1: inherited from the feed
    assert second.published is None


def test_json_feed_1_0_author_and_content_type_label() -> None:
    document = {
        "version": "https://jsonfeed.org/version/1",
        "title": "v1",
        "author": {"name": "Solo"},
        "items": [{"id": "x", "url": "https://a.example/x", "content_html": "<p>x</p>"}],
    }
    data = json.dumps(document).encode()
    item = only(parse_feed(data, "https://a.example/feed", "application/feed+json"))
    assert (item.authors, item.content_html) == (("Solo",), "<p>x</p>")


# --- the golden feed and the real feeds ----------------------------------------------------------


def test_golden_voa_feed() -> None:
    data = (DATA / "golden" / "voa-fulltext-feed.xml").read_bytes()
    feed = parse_feed(data, "https://www.voachinese.com/api/feed")
    assert (feed.title, feed.link) == ("美国之音中文网", "https://www.voachinese.com/")
    item = only(feed)
    # feedparser strips white space around a title; inner white space is kept as given.
    assert item.title == "中俄加深非正式同盟关系 双方还能走多近？"
    url = "https://www.voachinese.com/a/china-deepens-informal-alliance-with-russia-20211203/6339221.html"
    assert item.url == url and item.guid == url
    assert item.published == utc(2021, 12, 4, 2, 39, 3)
    assert int(item.published.timestamp() * 1000) == 1638585543000  # the golden file's header
    assert item.content_html is None  # the full text is in <description>
    assert item.summary_html is not None
    body = item.summary_html.strip()
    assert body.startswith("<div><i>Sat, 04 Dec 2021 02:32:08 GMT</i></div>")
    assert body.endswith("以威慑恐怖组织和伊朗。</p>")
    assert 'href="https://www.voachinese.com/a/us-taiwan-summit-for-democracy' in body


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("feed-rs/rss_2.0_bbc.xml", 1),
        ("feed-rs/rss_2.0_nbcny.xml", 1),
        ("feed-rs/rss_2.0_spiegel.xml", 1),
        ("rss-parser/encoding-gb2312.xml", 1),
        ("rss-parser/guardian.rss", 55),
        ("rss-parser/heraldsun.rss", 2),
        ("rss-parser/uolNoticias.rss", 15),
    ],
)
def test_real_feeds_parse(name: str, count: int) -> None:
    feed = parse_feed((OTHER_FEEDS / name).read_bytes(), "https://example.com/feed")
    assert feed.format == "rss" and feed.title
    assert len(feed.items) == count
    for item in feed.items:
        assert item.title.strip() and item.url and item.url.startswith("http")
        assert item.published is None or item.published.tzinfo is UTC


@pytest.mark.parametrize("name", ["bbc", "nbcny", "spiegel"])
def test_real_feeds_agree_with_feed_rs(name: str) -> None:
    expected = json.loads((OTHER_FEEDS / f"feed-rs/rss_2.0_{name}.serde.json").read_text())
    entry = expected["entries"][0]
    item = only(parse_feed((OTHER_FEEDS / f"feed-rs/rss_2.0_{name}.xml").read_bytes(), FEED_URL))
    assert item.guid == entry["id"]
    assert item.title == entry["title"]["content"]
    assert item.url == entry["links"][0]["href"]
    if entry["published"]:
        assert item.published == datetime.fromisoformat(entry["published"])


def test_guardian_items_carry_images_authors_and_categories() -> None:
    feed = parse_feed((OTHER_FEEDS / "rss-parser/guardian.rss").read_bytes(), FEED_URL)
    first = feed.items[0]
    assert first.authors == ("David Smith in Washington",)
    assert "Donald Trump" in first.categories
    assert first.image is not None and first.image.startswith("https://i.guim.co.uk/")
    assert len({item.guid for item in feed.items}) == 55


# --- encodings -----------------------------------------------------------------------------------

GB2312_TITLE = "拟298亿元重组盛大游戏后 世纪华通发20亿回购预案"


@pytest.mark.parametrize(
    "content_type",
    [None, "text/xml", "application/rss+xml; charset=utf-8", "text/html; charset=gbk"],
)
def test_real_gb2312_feed(content_type: str | None) -> None:
    data = (OTHER_FEEDS / "rss-parser/encoding-gb2312.xml").read_bytes()
    feed = parse_feed(data, "http://news.qq.com/newsgn/rss_newsgn.xml", content_type)
    assert (feed.title, feed.link) == ("互联网", "http://tech.qq.com/web/")
    item = only(feed)
    assert item.title == GB2312_TITLE
    assert item.summary_html is not None and item.summary_html.startswith("腾讯科技讯9月18日，A股")
    assert item.published == utc(2018, 9, 19, 5, 11, 22)


def test_latin1_feed_without_declaration() -> None:
    feed = parse_feed((OTHER_FEEDS / "rss-parser/uolNoticias.rss").read_bytes(), FEED_URL)
    assert feed.items[0].title.startswith(
        "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações"
    )


SIMPLIFIED = [
    "中俄加深非正式同盟关系 双方还能走多近？",
    "拜登与习近平通话讨论台湾问题",
    "香港立法会选举",
]
TRADITIONAL = [
    "中俄加深非正式同盟關係 雙方還能走多近？",
    "拜登與習近平通話討論台灣問題",
    "香港立法會選舉",
]


def chinese_feed(titles: list[str], codec: str, declared: str | None) -> bytes:
    declaration = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    items = "".join(
        f"<item><title>{t}</title><link>https://zh.example.com/{i}</link>"
        f"<description>&lt;p&gt;{t}。&lt;/p&gt;</description></item>"
        for i, t in enumerate(titles)
    )
    text = f'{declaration}<rss version="2.0"><channel><title>新聞</title>{items}</channel></rss>'
    return text.encode(codec)


@pytest.mark.parametrize(
    ("titles", "codec", "declared", "content_type"),
    [
        (SIMPLIFIED, "gbk", "gbk", None),  # correctly labelled
        (TRADITIONAL, "big5", "big5", "text/xml; charset=big5"),
        (SIMPLIFIED, "gbk", "utf-8", "text/xml; charset=utf-8"),  # GBK served as UTF-8
        (SIMPLIFIED[:1], "gbk", None, "application/xml; charset=UTF-8"),  # one title only
        (TRADITIONAL, "big5", "utf-8", "application/rss+xml; charset=utf-8"),  # Big5 as UTF-8
        (TRADITIONAL[:1], "big5", None, "text/xml; charset=utf-8"),
        (SIMPLIFIED, "utf-8", "gb2312", "text/xml; charset=gbk"),  # UTF-8 labelled GBK
        (TRADITIONAL, "utf-8", "big5", None),  # UTF-8 declared Big5
        ([*SIMPLIFIED, "𠀀€"], "gb18030", "gb2312", None),  # GB18030-only characters
        (SIMPLIFIED, "utf-16", "utf-16", None),  # with BOM
        (TRADITIONAL, "utf-8-sig", None, "text/xml; charset=big5"),  # BOM beats the header
    ],
)
def test_chinese_encodings_and_mislabels(
    titles: list[str], codec: str, declared: str | None, content_type: str | None
) -> None:
    feed = parse_feed(chinese_feed(titles, codec, declared), FEED_URL, content_type)
    assert feed.title == "新聞"
    assert [item.title for item in feed.items] == titles
    assert [item.summary_html for item in feed.items] == [f"<p>{t}。</p>" for t in titles]


# --- hostile XML ---------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title></item></channel></rss>"""


def quadratic_blowup() -> bytes:
    entity = "A" * 50_000
    body = "&a;" * 50_000
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{entity}">]>'
        f'<rss version="2.0"><channel><title>t</title><item><title>{body}</title></item>'
        "</channel></rss>"
    ).encode()


def xxe_documents(secret: Path) -> list[bytes]:
    uri = secret.as_uri()
    return [
        (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{uri}">]>'
            '<rss version="2.0"><channel><title>&xxe;</title>'
            "<item><title>&xxe;</title><link>https://x.example/&xxe;</link></item></channel></rss>"
        ).encode(),
        (  # parameter entity, DOCTYPE after a comment, a ">" in a quoted literal
            f'<!-- hi --><!DOCTYPE rss SYSTEM "x>y" [<!ENTITY % p SYSTEM "{uri}"> %p;]>'
            "<rss version='2.0'><channel><title>t</title><item><title>i</title></item>"
            "</channel></rss>"
        ).encode(),
        (  # junk before the DOCTYPE sends feedparser to its lenient parser
            f'junk <!DOCTYPE rss [<!ENTITY xxe PUBLIC "-//x//y" "{uri}">]>'
            "<rss version='2.0'><channel><item><title>&xxe;</title></item></channel></rss>"
        ).encode(),
        (  # the Atom flavour, in UTF-16 so that a bytes-level search would miss it
            f'<?xml version="1.0" encoding="utf-16"?><!DOCTYPE feed [<!ENTITY x SYSTEM "{uri}">]>'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title>'
            "<entry><title>&x;</title><id>&x;</id></entry></feed>"
        ).encode("utf-16"),
    ]


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-7f3a9c")
    return path


def test_billion_laughs_and_quadratic_blowup_are_refused() -> None:
    for data in (BILLION_LAUGHS, quadratic_blowup()):
        with pytest.raises(HostileFeed, match="declares XML entities; refusing to parse"):
            parse_feed(data, FEED_URL)


def test_external_entities_are_refused_and_never_read(secret: Path) -> None:
    for data in xxe_documents(secret):
        with pytest.raises(HostileFeed) as caught:
            parse_feed(data, FEED_URL)
        assert "TOP-SECRET" not in str(caught.value)
        assert str(caught.value).startswith(FEED_URL)


def test_entity_text_in_content_is_not_a_declaration() -> None:
    data = RSS2.replace(
        "<p>Full", '<!DOCTYPE html><p>An XML lesson: write <!ENTITY x "y"> in a DTD.</p><p>Full'
    )
    assert len(parse_feed(data.encode(), FEED_URL).items) == 3


def test_opml_and_discovery_never_expand_entities(secret: Path) -> None:
    uri = secret.as_uri()
    opml = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "{uri}">]>'
        '<opml version="2.0"><body><outline text="&x;" xmlUrl="https://a.example/&x;"/></body></opml>'
    ).encode()
    with pytest.raises(HostileFeed):
        read_opml(opml, "sources.opml")
    with pytest.raises(HostileFeed):
        read_opml(BILLION_LAUGHS.replace(b"rss", b"opml"), "sources.opml")
    page = (
        f'<!DOCTYPE html [<!ENTITY x SYSTEM "{uri}">]><html><head><title>&x;</title>'
        '<link rel="alternate" type="application/rss+xml" href="/feed?&x;" title="&x;">'
        "</head><body>&x;</body></html>"
    ).encode()
    found = discover_feeds(page, "https://site.example/")
    assert len(found) == 1 and "TOP-SECRET" not in found[0]


# --- bad inputs ----------------------------------------------------------------------------------

HTML_PAGE = b"""<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>Home</title>
<link rel="alternate" type="application/rss+xml" href="/rss" title="RSS"></head>
<body><p>hello</p></body></html>"""


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", NotAFeed),
        (b"  \r\n\t ", NotAFeed),
        (HTML_PAGE, NotAFeed),
        (b"Service temporarily unavailable, try again later.\n", NotAFeed),
        (b'{"status": "ok", "items": []}', NotAFeed),
        (b'[{"title": "x"}]', NotAFeed),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', MalformedFeed),
        (b'<?xml version="1.0"?><rss version="2.0"><chan', MalformedFeed),
        (b'<rss version="2.0"><channel><title>X</title><item><title>Y</ti', MalformedFeed),
        (b"<catalog><book>not a feed</book></catalog>", NotAFeed),
        (b"\x00\x01\x02\xff\xfe garbage \x80\x81", NotAFeed),
    ],
)
def test_bad_inputs(data: bytes, error: type[FeedError]) -> None:
    with pytest.raises(error) as caught:
        parse_feed(data, FEED_URL)
    message = str(caught.value)
    assert message.startswith(f"{FEED_URL}: ") and "\n" not in message
    assert type(caught.value) is error


def test_broken_feed_that_still_has_items_is_kept() -> None:
    data = (
        b'<rss version="2.0"><channel><title>T&nbsp;V</title>'
        b"<item><title>One &amp; only&nbsp;</title><link>https://a.example/1</link></item>"
        b"<item><title>Two</title><link>https://a.example/2</link></item><item><title>Thr"
    )
    feed = parse_feed(data, FEED_URL)  # undefined entity and truncation: bozo, but items
    assert [item.title for item in feed.items][:2] == ["One & only", "Two"]


def test_channel_without_items_is_an_empty_feed() -> None:
    data = b'<rss version="2.0"><channel><title>Quiet</title><link>https://q.example/</link></channel></rss>'
    assert parse_feed(data, FEED_URL) == Feed(
        url=FEED_URL, title="Quiet", link="https://q.example/", format="rss", items=()
    )
    empty_json = b'{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": []}'
    assert parse_feed(empty_json, FEED_URL).items == ()


def test_looks_like_html() -> None:
    assert looks_like_html(HTML_PAGE)
    assert looks_like_html(b"\xef\xbb\xbf\n<!-- x --><html><body>hi</body></html>")
    assert looks_like_html(
        b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">'
    )
    assert looks_like_html(b"\n\n<HEAD><TITLE>old</TITLE></HEAD>")
    assert looks_like_html(b"Warning: PHP notice\n<html><head></head></html>")
    assert looks_like_html((DATA / "realpages/bbc-zhongwen/bbc_zhongwen.html").read_bytes())
    assert not looks_like_html(RSS2.encode())
    assert not looks_like_html(ATOM)
    assert not looks_like_html(RSS091)
    assert not looks_like_html(b"Warning: PHP notice\n<rss version='2.0'><channel></channel></rss>")
    assert not looks_like_html(b'{"version": "https://jsonfeed.org/version/1.1"}')
    assert not looks_like_html(b"plain text")
    assert not looks_like_html(b"")


# --- discovery -----------------------------------------------------------------------------------


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


def test_pathological_doctypes_are_scanned_in_linear_time() -> None:
    # Each of these would take minutes with a scan that restarts at every "[", "<!--" or quote.
    tail = '<rss version="2.0"><channel><title>t</title></channel></rss>'
    for junk in ("<!DOCTYPE x [" * 20_000, "<!DOCTYPE x [" + "<!--" * 50_000, ' "' * 50_000):
        with pytest.raises(FeedError):
            parse_feed((junk + tail).encode(), FEED_URL)
    with pytest.raises(HostileFeed):
        parse_feed(
            ("<!DOCTYPE x [" + "<!--" * 50_000 + '<!ENTITY a "b">]>' + tail).encode(), FEED_URL
        )
