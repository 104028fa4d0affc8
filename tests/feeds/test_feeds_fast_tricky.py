"""Synthesized feeds for test_feeds_fast: one corner of feedparser's behaviour each.

TRICKY maps a name to a document; DECLINED names those the fast path must leave to feedparser.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from conftest import DATA

NS = (
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:foo="http://foo.example/"'
)


def rss(items: str, channel: str = "<title>T</title><link>/news/</link>", attrs: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {NS}{attrs}>'
        f"<channel>{channel}{items}</channel></rss>"
    )


def atom(entries: str, head: str = "<title>A</title>", attrs: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        f'xmlns:media="http://search.yahoo.com/mrss/"{attrs}>{head}{entries}</feed>'
    )


def item(*parts: str) -> str:
    return "<item>" + "".join(parts) + "</item>"


def entry(*parts: str, attrs: str = "") -> str:
    return f"<entry{attrs}>" + "".join(parts) + "</entry>"


XHTML = 'xmlns="http://www.w3.org/1999/xhtml"'
DATES = {
    "rfc822 +0800 one-digit day": "Sat, 4 Dec 2021 02:39:03 +0800",
    "iso offset": "2021-12-04T02:39:03+08:00",
    "date only": "2021-12-04",
    "gmt without seconds": "Sat, 04 Dec 2021 02:39 GMT",
    "two-digit year named zone": "Sat, 04 Dec 21 02:39:03 EST",
    "portuguese": "Seg, 24 Set 2018 19:42:40 -0300",
    "impossible": "Sat, 31 Feb 2021 02:39:03 GMT",
    "garbage": "yesterday",
}

TRICKY: dict[str, str] = {
    f"date {name}": rss(
        item(f"<title>d</title><pubDate>{value}</pubDate><dc:date>{value}</dc:date>")
    )
    for name, value in DATES.items()
}
TRICKY |= {
    "relative links, channel base": rss(
        item("<title>r</title><link>a/1.html</link><guid>b/2.html</guid>"),
        "<title>T</title><link>https://site.example/news/</link>",
    ),
    "relative channel link": rss(item("<title>r</title><link>../up.html</link>")),
    "guid permalink stands in for link": rss(
        item("<title>g</title><guid>https://site.example/g/1</guid>")
        + item("<title>g</title><guid isPermaLink='false'>https://site.example/g/2</guid>")
        + item("<title>g</title><guid isPermaLink='True'>https://site.example/g/3</guid>")
    ),
    "guid before and after link": rss(
        item("<guid>https://a.example/1</guid><link>https://a.example/l</link>")
        + item("<link></link><guid>https://a.example/2</guid>")
    ),
    "cdata and escaped html": rss(
        item(
            "<title><![CDATA[CDATA <i>title</i> &amp; more]]></title>",
            "<description>&lt;p&gt;escaped &amp;amp; &lt;b&gt;html&lt;/b&gt;&lt;/p&gt;",
            "</description>",
            "<content:encoded><![CDATA[<p>cdata ]]]]><![CDATA[> split</p>]]></content:encoded>",
        )
    ),
    "entities and tags in titles": rss(
        item("<title>Tom &amp;amp; Jerry&#8217;s &lt;b&gt;show&lt;/b&gt; &#147;q&#148;</title>")
        + item("<title>AT&amp;T &lt;rocks&gt; 1 &lt; 2</title>")
        + item("<title>  x &amp;nbsp; y  </title>")
        + item("<title>caf\u00c3\u00a9 mojibake, caf\u00e9 latin</title>")
    ),
    "categories": rss(
        item(
            "<title>c</title><category>World</category><category domain='d'>Asia</category>",
            "<category domain='d'>World</category><dc:subject>Sub</dc:subject>",
            "<media:category>M</media:category><media:keywords>k1, k2</media:keywords>",
            "<itunes:category text='Pod'/><category/>",
        )
    ),
    "authors": rss(
        item(
            "<title>a</title><dc:creator>Jane Doe</dc:creator>",
            "<dc:creator>bob@ex.com (Bob)</dc:creator><author>ann@ex.com</author>",
        )
        + item("<title>b</title><author>Ann &lt;ann@ex.com&gt;</author>")
    ),
    "bare items": rss(item("<title>only a title</title>") + item("<description>d</description>")),
    "description then content": rss(
        item("<description>d</description><content:encoded>c</content:encoded>")
    ),
    "content then description": rss(
        item("<content:encoded>c</content:encoded><description>d</description>")
    ),
    "two descriptions": rss(item("<description>one</description><description>two</description>")),
    "description and itunes summary": rss(
        item("<title>p</title><description>d</description><itunes:summary>s</itunes:summary>")
    ),
    "raw html in description": rss(
        item("<title>h</title><description>a <b>bold</b> &amp; <br/>b</description>")
    ),
    "div in description": rss(
        item("<title>h</title><description><div>wrapped</div></description>")
    ),
    "images": rss(
        item(
            "<title>i</title><enclosure url='https://c/a.mp3' type='audio/mpeg'/>",
            "<enclosure url='/img/b.JPG'/><media:content url='https://c/v.mp4' medium='video'/>",
        )
        + item(
            "<title>j</title><media:group><media:content url='/m.png' type='Image/PNG'/>"
        ).replace("</item>", "</media:group></item>")
        + item("<title>k</title><media:thumbnail url='/t.jpg'/>")
        + item(
            "<title>l</title><media:content url='https://c/x'><media:title>mt</media:title>"
        ).replace("</item>", "<media:description>md</media:description></media:content></item>")
    ),
    "source element": rss(
        item("<title>first</title><source url='https://s/'>Src</source><title>second</title>")
    ),
    "unknown elements": rss(
        item(
            "<title>u</title><foo:bar x='1'>junk<foo:baz>deep</foo:baz></foo:bar>",
            "<plain>text</plain><withattr a='b'>t</withattr>",
            "<sub xmlns='http://other.example/'><title>not a title</title></sub>",
        )
    ),
    "upper-case names and attributes": rss(
        item("<Title>U</Title><LINK>https://a.example/u</LINK><PubDate>2021-12-04</PubDate>")
        + item("<guid ISPERMALINK='false'>https://a.example/v</guid>")
    ),
    "channel image, itunes and atom links": rss(
        item("<title>x</title>"),
        "<atom:link href='https://s/feed' rel='self'/><image><url>/logo.png</url>"
        "<title>Logo</title><link>https://img.example/</link></image><title>Chan</title>"
        "<itunes:image href='https://c/p.jpg'/><link>https://s.example/</link>"
        "<itunes:owner><itunes:name>O</itunes:name></itunes:owner><itunes:author>A</itunes:author>",
    ),
    "rss xml:base": rss(
        item(
            "<title>b</title><link>p.html</link><guid>g/1</guid>", "<comments>c</comments>"
        ).replace("<item>", "<item xml:base='https://base.example/dir/'>")
        + item("<title>c</title><link>q.html</link>"),
        "<title>T</title><link>https://site.example/</link>",
    ),
    "odd base attributes": rss(
        item("<title>u</title><link>p.html</link>").replace(
            "<item>", "<item BASE='https://b.ex/d/'>"
        )
        + item("<title>f</title><link>q.html</link>").replace("<item>", "<item foo:base='/e/'>")
    ),
    "atom base leaking to the next entry": atom(
        entry("<title>a</title><link href='a.html'/>", attrs=" xml:base='https://l.example/x/'")
        + entry("<title>b</title><link href='b.html'/><id>rel/id</id>")
    ),
    "link with query": rss(item("<link>https://a.example/?a=1&amp;b=2&amp;amp;c=3&amp;d;</link>")),
    "rdf 0.90": (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://my.netscape.com/rdf/simple/0.9/"><channel><title>Old</title>'
        "<link>https://old.example/</link></channel><item><title>i</title>"
        "<link>https://old.example/i</link></item></rdf:RDF>"
    ),
    "atom xml:base chain": atom(
        entry("<link href='a.html'/><id>1</id><title>t</title>", attrs=" xml:base='posts/'")
        + entry("<link href='b.html'/><id>2</id><title>t</title>")
        + entry("<link rel='alternate' href='c.html' xml:base='/x/'/><title>t</title>"),
        "<title>A</title><link href='./'/>",
        " xml:base='https://blog.example/sub/'",
    ),
    "atom xhtml": atom(
        entry(
            f"<title type='xhtml'><div {XHTML}>X <b>title</b> &amp; co</div></title>",
            f"<summary type='xhtml'><div {XHTML}><p>s</p></div><p {XHTML}>after</p></summary>",
            f"<content type='xhtml'><div {XHTML} class='c'> <a href='/x' title='q&quot;'>"
            "l</a><br/><img src='i.png'/></div></content><id>x</id>",
        )
    ),
    "atom text types": atom(
        entry(
            "<title type='html'>&lt;b&gt;H&lt;/b&gt; &amp;amp;</title>",
            "<summary>S &lt; x</summary><content type='text'>line1\n\nline2</content>",
        )
        + entry("<title>t &lt;b&gt;</title><content type='HTML'>&lt;p&gt;c&lt;/p&gt;</content>")
        + entry("<summary type='html'>&lt;p&gt;s&lt;/p&gt;</summary><title>only summary</title>")
    ),
    "atom authors": atom(
        entry(
            "<title>a</title><author><name>Ann</name></author><author><email>b@x.org</email>"
        ).replace("</entry>", "</author></entry>")
        + entry("<title>b</title><author><uri>/u</uri><name>Cy</name></author>")
        + entry("<title>c</title>"),
        "<title>A</title><author><name>Feed</name><email>f@x.org</email></author>",
    ),
    "atom ids as links": atom(
        entry("<id>https://a.example/id/1</id><title>t</title>")
        + entry("<link href='https://a.example/l'/><id>https://a.example/id/2</id>"),
        "<title>A</title><id>https://a.example/</id>",
    ),
    "atom source and media": atom(
        entry(
            "<title>s</title><source><title>Src</title><author><name>SA</name></author>",
            "<link href='https://src/'/></source><media:group><media:title>m</media:title>",
            "<media:thumbnail url='https://c/t.jpg'/></media:group>",
        )
    ),
    # feedparser goes its own way on these: the fast path leaves them to it.
    "atom html content with markup": atom(
        entry("<title>x</title><content type='html'><p>x</p>")
    ).replace("</entry>", "</content></entry>"),
    "doctype with entity reference": (
        '<!DOCTYPE rss PUBLIC "-//N//DTD RSS 0.91//EN" "http://x/rss.dtd">\n'
        + rss(item("<title>a &nbsp; b</title>"))
    ),
    "svg in xhtml content": atom(
        entry(f"<content type='xhtml'><div {XHTML}><svg xmlns='http://www.w3.org/2000/svg'/></div>")
    ).replace("</entry>", "</content></entry>"),
    "prefix shadowing a known one": rss(
        item("<title>x</title><m:content url='https://c/a.jpg' medium='image'/>")
    )
    .replace(
        'xmlns:dc="http://purl.org/dc/elements/1.1/"', 'xmlns:m="http://search.yahoo.com/mrss/"'
    )
    .replace(
        'xmlns:media="http://search.yahoo.com/mrss/"', 'xmlns:media="http://purl.org/dc/terms/"'
    ),
    "one prefix for two namespaces": rss(
        item("<title>x</title><foo:a xmlns:foo='http://elsewhere.example/'>v</foo:a>")
    ),
    # libxml2 takes this name, expat does not: feedparser's lenient parser gives "<x>b</x>".
    "name expat refuses": rss(
        item("<title>t</title><description>a &amp; <x\u2070>b</x\u2070></description>")
    ),
    "entity in attribute under doctype": (
        '<!DOCTYPE rss PUBLIC "-//N//DTD RSS 0.91//EN" "http://x/rss.dtd">\n'
        + rss(item("<title>a</title><enclosure url='/i&nbsp;.jpg' type='image/jpeg'/>"))
    ),
    "doctype on the declaration line, entity in attribute": rss(
        item("<title>a</title><enclosure url='/i&nbsp;.jpg' type='image/jpeg'/>")
    ).replace("?><rss", '?><!DOCTYPE rss PUBLIC "-//N//DTD RSS 0.91//EN" "http://x/r.dtd"><rss'),
    "georss": rss(
        item("<title>g</title><georss:point>1 2</georss:point>"),
        attrs=' xmlns:georss="http://www.georss.org/georss"',
    ),
}
DECLINED = {
    "atom html content with markup",
    "prefix shadowing a known one",
    "doctype with entity reference",
    "svg in xhtml content",
    "one prefix for two namespaces",
    "name expat refuses",
    "entity in attribute under doctype",
    "doctype on the declaration line, entity in attribute",
    "georss",
}


def voa_items(count: int, fmt: str) -> bytes:
    """The golden VOA item ``count`` times (distinct links and guids), as RSS 2.0 or Atom 1.0."""
    golden = (DATA / "golden" / "voa-fulltext-feed.xml").read_text()
    one = re.search(r"<item>.*?</item>", golden, re.S)
    assert one is not None
    link = re.search(r"<link>(.*?)</link>", one.group()).group(1)  # type: ignore[union-attr]
    links = [link.replace("6339221", str(6339221 + i)) for i in range(count)]
    if fmt == "rss":
        return golden.replace(
            one.group(), "".join(one.group().replace(link, u) for u in links)
        ).encode()
    body = re.search(r"<!\[CDATA\[(.*?)\]\]>", one.group(), re.S).group(1)  # type: ignore[union-attr]
    title = re.search(r"<title>(.*?)</title>", one.group(), re.S).group(1)  # type: ignore[union-attr]
    entries = "".join(
        f"<entry><title>{title}</title><link rel='alternate' href='{u}'/><id>{u}</id>"
        "<published>2021-12-04T02:39:03Z</published><updated>2021-12-04T02:39:03Z</updated>"
        f"<author><name>VOA</name></author><content type='html'>{escape(body)}</content></entry>"
        for u in links
    )
    return atom(
        entries, "<title>美国之音中文网</title><link href='https://www.voachinese.com/'/>"
    ).encode()
