"""The values the feeds package hands to the rest of newsmirror: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, as the feed gives it (the caller normalizes and sanitizes)."""

    guid: str | None  # RSS guid / Atom id / JSON id; None when absent
    url: str | None  # absolute http(s) link, resolved against the feed; None when absent
    title: str  # plain text, entities decoded, tags stripped; "" when absent
    authors: tuple[str, ...]
    published: datetime | None  # aware, UTC
    updated: datetime | None  # aware, UTC
    content_html: str | None  # content:encoded, Atom content, JSON content_html
    summary_html: str | None  # description / summary / JSON summary or content_text
    categories: tuple[str, ...]
    image: str | None  # enclosure / media:content / media:thumbnail image URL


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its channel-level facts and its items in document order."""

    url: str
    title: str
    link: str | None  # the site's home page
    format: str  # "rss", "atom", "rdf" or "json"
    items: tuple[FeedItem, ...]


@dataclass(frozen=True)
class Outline:
    """One feed listed in an OPML file."""

    title: str
    xml_url: str
    html_url: str | None
    abbr: str | None  # newsmirror's short source name (``newsmirrorAbbr``), if written by us
