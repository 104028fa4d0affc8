"""The archive as feeds: Atom 1.0, RSS 2.0 and JSON Feed 1.1, written from one list of items.

The static site compares builds byte for byte, so the output depends on the input alone: nothing
reads the clock, and a feed without items is dated at the epoch.
"""

from __future__ import annotations

import html
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from lxml import etree

from newsmirror.record.model import iso
from newsmirror.text.xml import xml_text

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Atom in the default namespace (lxml-stubs types prefixes as str; None is the default).
_ATOM_NSMAP: dict[Any, str] = {None: ATOM_NS}


@dataclass(frozen=True)
class SyndicationItem:
    id: str  # stable id of the article
    title: str
    link: str  # absolute URL of the archived copy (the page on our site)
    original_url: str | None  # the publisher's URL
    published_ms: int  # epoch ms
    updated_ms: int  # epoch ms of the latest revision
    authors: tuple[str, ...]
    content_html: str  # full body, already sanitized HTML
    summary: str  # plain text, may be ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedInfo:
    title: str
    home_url: str  # absolute URL of the site's page for this feed
    self_url: str  # absolute URL the feed itself lives at
    id: str  # stable feed id
    language: str = "zh"
    description: str = ""


def atom_id(stable_id: str) -> str:
    """The Atom id of a feed or entry. Atom ids must be IRIs and ours are bare strings, so they
    become name-based UUIDs: the same id always gives the same URN. Never change the scheme:
    readers keep read/unread state by this id."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'urn:newsmirror:' + xml_text(stable_id))}"


def _names(values: Sequence[str]) -> tuple[str, ...]:
    # A blank author or category would give an empty element that readers show as "".
    return tuple(name for value in values if (name := xml_text(value).strip()))


def _clean_item(item: SyndicationItem) -> SyndicationItem:
    return SyndicationItem(
        id=xml_text(item.id),
        title=xml_text(item.title),
        link=xml_text(item.link),
        original_url=xml_text(item.original_url or "") or None,
        published_ms=item.published_ms,
        updated_ms=item.updated_ms,
        authors=_names(item.authors),
        content_html=xml_text(item.content_html),
        summary=xml_text(item.summary),
        categories=_names(item.categories),
    )


def _clean_info(info: FeedInfo) -> FeedInfo:
    return FeedInfo(
        title=xml_text(info.title),
        home_url=xml_text(info.home_url),
        self_url=xml_text(info.self_url),
        id=xml_text(info.id),
        language=xml_text(info.language).strip(),
        description=xml_text(info.description),
    )


def _moment(ms: int) -> datetime:
    # Integer arithmetic: ms / 1000 as a float can land a millisecond early.
    return EPOCH + timedelta(milliseconds=ms)


def _rfc3339(ms: int) -> str:
    return iso(_moment(ms))


def _rfc822(ms: int) -> str:
    return format_datetime(_moment(ms), usegmt=True)


def _newest(items: Sequence[SyndicationItem]) -> int:
    return max((item.updated_ms for item in items), default=0)


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, **attrib: str
) -> etree._Element:
    element = etree.SubElement(parent, tag, attrib)
    # Text goes in as text: lxml escapes it, so markup, "]]>" and "&" in values stay values.
    element.text = text
    return element


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def atom(info: FeedInfo, items: Sequence[SyndicationItem]) -> bytes:
    """An Atom 1.0 feed (RFC 4287)."""
    info, entries = _clean_info(info), [_clean_item(item) for item in items]
    a = f"{{{ATOM_NS}}}"
    feed = etree.Element(a + "feed", nsmap=_ATOM_NSMAP)
    if info.language:
        feed.set(XML_LANG, info.language)
    _sub(feed, a + "id", atom_id(info.id))
    _sub(feed, a + "title", info.title)
    if info.description:
        _sub(feed, a + "subtitle", info.description)
    _sub(feed, a + "updated", _rfc3339(_newest(entries)))
    _sub(feed, a + "link", rel="self", type="application/atom+xml", href=info.self_url)
    _sub(feed, a + "link", rel="alternate", type="text/html", href=info.home_url)
    # Atom wants an author on the feed unless every entry has one; entries inherit it.
    if any(not entry.authors for entry in entries):
        _sub(_sub(feed, a + "author"), a + "name", info.title)
    for item in entries:
        entry = _sub(feed, a + "entry")
        _sub(entry, a + "id", atom_id(item.id))
        _sub(entry, a + "title", item.title)
        _sub(entry, a + "updated", _rfc3339(item.updated_ms))
        _sub(entry, a + "published", _rfc3339(item.published_ms))
        _sub(entry, a + "link", rel="alternate", type="text/html", href=item.link)
        if item.original_url:
            _sub(entry, a + "link", rel="via", type="text/html", href=item.original_url)
        for name in item.authors:
            _sub(_sub(entry, a + "author"), a + "name", name)
        for term in item.categories:
            _sub(entry, a + "category", term=term)
        if item.summary:
            _sub(entry, a + "summary", item.summary)
        _sub(entry, a + "content", item.content_html, type="html")
    return _xml(feed)


def rss(info: FeedInfo, items: Sequence[SyndicationItem]) -> bytes:
    """An RSS 2.0 feed, with the full body in content:encoded and authors in dc:creator (RSS's
    own <author> must be an e-mail address)."""
    info, entries = _clean_info(info), [_clean_item(item) for item in items]
    root = etree.Element(
        "rss", {"version": "2.0"}, nsmap={"atom": ATOM_NS, "content": CONTENT_NS, "dc": DC_NS}
    )
    channel = _sub(root, "channel")
    _sub(channel, "title", info.title)
    _sub(channel, "link", info.home_url)
    _sub(channel, "description", info.description or info.title)
    if info.language:
        _sub(channel, "language", info.language)
    _sub(channel, f"{{{ATOM_NS}}}link", href=info.self_url, rel="self", type="application/rss+xml")
    _sub(channel, "lastBuildDate", _rfc822(_newest(entries)))
    for entry in entries:
        item = _sub(channel, "item")
        _sub(item, "title", entry.title)
        _sub(item, "link", entry.link)
        _sub(item, "guid", entry.id, isPermaLink="false")
        _sub(item, "pubDate", _rfc822(entry.published_ms))
        # Readers take <description> as HTML: a plain-text summary is escaped to show as written.
        summary = html.escape(entry.summary, quote=False)
        _sub(item, "description", summary or entry.content_html)
        _sub(item, f"{{{CONTENT_NS}}}encoded", entry.content_html)
        for name in entry.authors:
            _sub(item, f"{{{DC_NS}}}creator", name)
        for term in entry.categories:
            _sub(item, "category", term)
    return _xml(root)


def json_feed(info: FeedInfo, items: Sequence[SyndicationItem]) -> bytes:
    """A JSON Feed 1.1 (https://jsonfeed.org/version/1.1), optional keys left out when empty."""
    info = _clean_info(info)
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": info.home_url,
        "feed_url": info.self_url,
    }
    if info.description:
        feed["description"] = info.description
    if info.language:
        feed["language"] = info.language
    feed["items"] = [_json_item(_clean_item(item)) for item in items]
    return json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode()


def _json_item(item: SyndicationItem) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": item.id, "url": item.link}
    if item.original_url:
        entry["external_url"] = item.original_url
    entry["title"] = item.title
    entry["content_html"] = item.content_html
    if item.summary:
        entry["summary"] = item.summary
    entry["date_published"] = _rfc3339(item.published_ms)
    entry["date_modified"] = _rfc3339(item.updated_ms)
    if item.authors:
        entry["authors"] = [{"name": name} for name in item.authors]
    if item.categories:
        entry["tags"] = list(item.categories)
    return entry


Writer = Callable[[FeedInfo, Sequence[SyndicationItem]], bytes]

# Format name -> (file name, media type, writer); the web reader and the static site share it.
FORMATS: dict[str, tuple[str, str, Writer]] = {
    "atom": ("atom.xml", "application/atom+xml", atom),
    "rss": ("rss.xml", "application/rss+xml", rss),
    "json": ("feed.json", "application/feed+json", json_feed),
}
