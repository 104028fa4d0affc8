"""RSS 0.9x/1.0/2.0 and Atom: the lxml fast path when it is sure, feedparser otherwise."""

from __future__ import annotations

import io
from typing import Any

import feedparser

from newsmirror.feeds.fastfeed import parse_xml_feed_fast
from newsmirror.feeds.model import Feed
from newsmirror.feeds.xmlmap import build_feed

__all__ = ["parse_xml_feed", "parse_xml_feed_fast", "parse_xml_feed_slow"]


def parse_xml_feed_slow(document: bytes, url: str) -> Feed:
    """Parse an RSS/Atom document with feedparser (UTF-8, declaration saying so, screened)."""
    # No base URI is given to feedparser: it would "resolve" guids like "12345" into URLs.
    # Links are resolved later instead, after feedparser has applied any xml:base.
    result = feedparser.parse(
        io.BytesIO(document),
        response_headers={"content-type": "application/xml; charset=utf-8"},
        sanitize_html=False,  # newsmirror sanitizes with nh3 later; this is 3x faster
        resolve_relative_uris=False,
    )
    version = str(dict.get(result, "version") or "")
    channel: dict[str, Any] = dict.get(result, "feed") or {}
    entries = [e for e in dict.get(result, "entries") or () if isinstance(e, dict)]
    error = dict.get(result, "bozo_exception")
    broken = str(error) if dict.get(result, "bozo") and error is not None else None
    return build_feed(version, channel, entries, url, broken)


def parse_xml_feed(document: bytes, url: str) -> Feed:
    """Parse an RSS/Atom document (UTF-8, declaration saying so, already screened for entities).

    The fast path declines (None) whenever it cannot vouch for giving feedparser's result.
    """
    fast = parse_xml_feed_fast(document, url)
    return fast if fast is not None else parse_xml_feed_slow(document, url)
