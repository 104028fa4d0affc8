"""parse_feed: bytes from the network to a Feed, or a FeedError that says what went wrong."""

from __future__ import annotations

import re

from newsmirror.errors import HostileFeed, NotAFeed
from newsmirror.feeds.encoding import as_utf8_xml, decode_document
from newsmirror.feeds.jsonfeed import parse_json_feed
from newsmirror.feeds.model import Feed
from newsmirror.feeds.sniff import declares_entities, looks_like_html, looks_like_json
from newsmirror.feeds.xmlfeed import parse_xml_feed

_CHAR_REF = re.compile(r"&#([xX][0-9a-fA-F]+|[0-9]+);")


def _character(match: re.Match[str]) -> str:
    """A numeric character reference as XML allows it; one that names no character (a
    surrogate, past U+10FFFF) or a control character is made harmless rather than losing the
    whole feed to the parser that trips on it."""
    digits = match[1]
    hexadecimal = digits[0] in "xX"
    # Past ten digits it is past U+10FFFF whatever it says, and int() of a long one is slow.
    code = -1 if len(digits) > 10 else int(digits[1:], 16) if hexadecimal else int(digits)
    if code in (0x9, 0xA, 0xD) or (0x20 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF):
        return match[0]
    return "" if 0 <= code < 0x20 else "&#xFFFD;"


def parse_feed(data: bytes, url: str, content_type: str | None = None) -> Feed:
    """Parse an RSS, RDF, Atom or JSON feed.

    ``url`` is the feed's (final) URL: relative links resolve against it and errors name it.
    ``content_type`` is the HTTP header, used only for its charset: servers label feeds
    text/html, text/plain or application/octet-stream too often for the type to decide anything.

    Raises NotAFeed (empty, HTML, plain text, non-feed JSON), MalformedFeed (broken XML or JSON
    that yields no items) or HostileFeed (entity declarations). A broken feed that still yields
    items is returned: real feeds are often slightly broken.
    """
    if not data.strip():
        raise NotAFeed(url, "the response is empty; check the feed URL")
    if looks_like_html(data):
        raise NotAFeed(
            url, "this is an HTML page, not a feed; use the feed it links to (feed discovery)"
        )
    text = decode_document(data, content_type)
    if looks_like_json(text):
        return parse_json_feed(text, url)
    if declares_entities(text):
        raise HostileFeed(url, "the document declares XML entities; refusing to parse")
    if "&#" in text:
        text = _CHAR_REF.sub(_character, text)
    return parse_xml_feed(as_utf8_xml(text), url)
