"""newsmirror.feeds against hostile XML and bad input: entity declarations, external entities,
pathological DOCTYPEs, HTML and other non-feeds, broken feeds that still have items."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_feeds import ATOM, FEED_URL, RSS091, RSS2

from conftest import DATA
from newsmirror.errors import FeedError, HostileFeed, MalformedFeed, NotAFeed
from newsmirror.feeds import Feed, discover_feeds, looks_like_html, parse_feed, read_opml

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
