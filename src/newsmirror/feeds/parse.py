"""parse_feed: bytes from the network to a Feed, or a FeedError that says what went wrong."""

from __future__ import annotations

from newsmirror.errors import HostileFeed, NotAFeed

from .encoding import as_utf8_xml, decode_document
from .jsonfeed import parse_json_feed
from .model import Feed
from .sniff import declares_entities, looks_like_html, looks_like_json
from .xmlfeed import parse_xml_feed


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
    return parse_xml_feed(as_utf8_xml(text), url)
