"""feedparser-shaped results (entries and channel as dicts) mapped onto Feed and FeedItem.

Both parsers produce these shapes: feedparser itself (xmlfeed) and the lxml fast path that
mimics it (fastcore), so the rules below are written once and the two cannot drift apart.
Results are read with ``dict.get``: FeedParserDict's own lookups alias keys (``updated``
silently falls back to ``published`` with a DeprecationWarning) and are slower.
"""

from __future__ import annotations

from typing import Any

from newsmirror.errors import MalformedFeed, NotAFeed
from newsmirror.feeds.model import Feed, FeedItem
from newsmirror.feeds.text import (
    html_to_text,
    is_web_url,
    resolve_url,
    text_to_html,
    unique,
    utc_from_string,
    utc_from_struct,
)

# Plain dict.get, never FeedParserDict.get (see the module docstring).
_get = dict.get

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg")


def _format(version: str) -> str:
    if version.startswith("atom"):
        return "atom"
    if version in ("rss090", "rss10"):  # both are RDF documents
        return "rdf"
    return "rss"


def _text_of(detail: Any, fallback: Any = "") -> str:
    """A title's text: HTML titles lose their tags and entities, plain ones are kept as they are."""
    if isinstance(detail, dict):
        value = _get(detail, "value")
        if isinstance(value, str):
            return html_to_text(value) if _get(detail, "type") in _HTML_TYPES else value
    return fallback if isinstance(fallback, str) else ""


def _as_html(detail: Any) -> str | None:
    if not isinstance(detail, dict):
        return None
    value = _get(detail, "value")
    if not isinstance(value, str) or not value.strip():
        return None
    return value if _get(detail, "type", "text/html") in _HTML_TYPES else text_to_html(value)


def _content_html(entry: dict[str, Any]) -> str | None:
    contents = [c for c in _get(entry, "content") or () if isinstance(c, dict)]
    # Several content elements (Atom allows alternatives): markup beats plain text.
    contents.sort(key=lambda c: _get(c, "type") not in _HTML_TYPES)
    for content in contents:
        html = _as_html(content)
        if html is not None:
            return html
    return None


def _alternate(links: Any) -> str | None:
    """The first alternate link (RSS <link>, Atom rel=alternate or no rel)."""
    for link in links or ():
        if isinstance(link, dict) and _get(link, "rel", "alternate") == "alternate":
            href = _get(link, "href")
            if isinstance(href, str) and href.strip():
                return href
    return None


def _is_image(candidate: dict[str, Any]) -> bool:
    kind = str(_get(candidate, "type") or "")
    if kind:
        return kind.startswith("image/")
    if _get(candidate, "medium"):
        return _get(candidate, "medium") == "image"
    url = str(_get(candidate, "url") or _get(candidate, "href") or "")
    return url.lower().split("?", 1)[0].endswith(_IMAGE_SUFFIXES)


def _image(entry: dict[str, Any], base: str) -> str | None:
    enclosures = [
        {"type": _get(link, "type"), "url": _get(link, "href")}
        for link in _get(entry, "links") or ()
        if isinstance(link, dict) and _get(link, "rel") == "enclosure"
    ]
    for candidates, check in (
        (enclosures, True),
        (_get(entry, "media_content") or [], True),
        (_get(entry, "media_thumbnail") or [], False),  # a thumbnail is an image by definition
    ):
        for candidate in candidates:
            if isinstance(candidate, dict) and (not check or _is_image(candidate)):
                url = resolve_url(base, _get(candidate, "url"))
                if url:
                    return url
    return None


def _names(people: Any) -> list[str]:
    names: list[str] = []
    for person in people or ():
        if isinstance(person, dict):
            name = _get(person, "name") or _get(person, "email")
            if isinstance(name, str):
                names.append(name)
    return names


def _item(entry: dict[str, Any], base: str, feed_authors: list[str]) -> FeedItem | None:
    guid = _get(entry, "id")
    guid = guid if isinstance(guid, str) and guid.strip() else None
    url = resolve_url(base, _alternate(_get(entry, "links")))
    if url is None and guid is not None and _get(entry, "guidislink") and is_web_url(guid):
        url = guid  # an RSS guid without isPermaLink="false" is the item's permalink
    title = _text_of(_get(entry, "title_detail"), _get(entry, "title"))
    content = _content_html(entry)
    # feedparser copies content into "summary" when there is no summary, without a
    # summary_detail: only a summary_detail means the feed really had a description.
    summary = _as_html(_get(entry, "summary_detail"))
    if not (title.strip() or url or guid or content or summary):
        return None
    categories = [
        str(_get(tag, "term") or _get(tag, "label") or "")
        for tag in _get(entry, "tags") or ()
        if isinstance(tag, dict)
    ]
    return FeedItem(
        guid=guid,
        url=url,
        title=title,
        authors=unique(_names(_get(entry, "authors")) or feed_authors),
        published=utc_from_struct(_get(entry, "published_parsed"))
        or utc_from_string(_get(entry, "published")),
        updated=utc_from_struct(_get(entry, "updated_parsed")),
        content_html=content,
        summary_html=summary,
        categories=unique(categories),
        image=_image(entry, base),
    )


def build_feed(
    version: str,
    channel: dict[str, Any],
    entries: list[dict[str, Any]],
    url: str,
    broken: str | None = None,
) -> Feed:
    """The Feed for a parse result; ``broken`` is the parser's complaint about the XML, if any."""
    fmt = _format(version)
    link = resolve_url(url, _alternate(_get(channel, "links")) or _get(channel, "link"))
    # RSS item links are relative to the channel's site link when they are relative at all;
    # Atom ones to the document (the parser has already applied any xml:base).
    base = link if fmt != "atom" and link else url
    # RFC 4287: an Atom entry without an author has the feed's authors.
    feed_authors = _names(_get(channel, "authors")) if fmt == "atom" else []
    items = [item for e in entries if (item := _item(e, base, feed_authors)) is not None]

    if not items:
        if not version:  # no RSS/RDF/Atom root element: whatever this is, it is no feed
            raise NotAFeed(url, "not an RSS, Atom or JSON feed; check the feed URL")
        if broken is not None:
            reason = " ".join(broken.split())
            message = f"broken XML that yields no items ({reason}); check the feed URL or retry"
            raise MalformedFeed(url, message)
    return Feed(
        url=url,
        title=_text_of(_get(channel, "title_detail"), _get(channel, "title")),
        link=link,
        format=fmt,
        items=tuple(items),
    )
