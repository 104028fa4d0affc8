"""Feeds: RSS 0.9x/1.0/2.0, Atom and JSON Feed parsing, OPML, and feed autodiscovery.

Everything here takes bytes and returns plain values or raises a FeedError subclass; nothing
touches the network or the file system, and no document may declare XML entities.
"""

from __future__ import annotations

from newsmirror.feeds.discover import discover_feeds
from newsmirror.feeds.model import Feed, FeedItem, Outline
from newsmirror.feeds.opml import read_opml, write_opml
from newsmirror.feeds.parse import parse_feed
from newsmirror.feeds.sniff import looks_like_html

__all__ = [
    "Feed",
    "FeedItem",
    "Outline",
    "discover_feeds",
    "looks_like_html",
    "parse_feed",
    "read_opml",
    "write_opml",
]
