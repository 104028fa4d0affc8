"""newsmirror.feeds: formats, real feeds, encodings (hostile XML and bad input: test_feeds_hostile;
discovery and OPML: test_feeds_opml)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from conftest import DATA
from newsmirror.feeds import (
    Feed,
    FeedItem,
    parse_feed,
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
