"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), which feedparser 6 does not read."""

from __future__ import annotations

import json
from typing import Any

from newsmirror.clean.sanitize import text_only
from newsmirror.errors import MalformedFeed, NotAFeed
from newsmirror.feeds.model import Feed, FeedItem
from newsmirror.feeds.text import html_to_text, resolve_url, text_to_html, unique, utc_from_string

_VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _authors(holder: dict[str, Any]) -> list[str]:
    people = holder.get("authors")  # 1.1
    if not isinstance(people, list):
        people = [holder.get("author")]  # 1.0
    return [p["name"] for p in people if isinstance(p, dict) and isinstance(p.get("name"), str)]


def _image(item: dict[str, Any], base: str) -> str | None:
    for key in ("image", "banner_image"):
        url = resolve_url(base, item.get(key))
        if url:
            return url
    for attachment in item.get("attachments") or ():
        if isinstance(attachment, dict) and str(attachment.get("mime_type", "")).startswith(
            "image/"
        ):
            url = resolve_url(base, attachment.get("url"))
            if url:
                return url
    return None


def _item(item: dict[str, Any], base: str, feed_authors: list[str]) -> FeedItem | None:
    raw_id = item.get("id")
    # The spec says string, but integer ids are common; booleans are not ids.
    guid = str(raw_id) if isinstance(raw_id, int | float) and not isinstance(raw_id, bool) else None
    guid = _str(raw_id) or guid
    url = resolve_url(base, item.get("url"))
    raw_title = item.get("title")
    # Plain text by the spec, but generators often escape it as HTML ("Tom &#038; Jerry"): the
    # same text-only treatment as RSS titles gives every format the same guarantee.
    title = html_to_text(raw_title) if isinstance(raw_title, str) else ""
    content = _str(item.get("content_html"))
    summary_text = _str(item.get("summary")) or _str(item.get("content_text"))
    summary = text_to_html(summary_text) if summary_text else None
    if not (title.strip() or url or guid or content or summary):
        return None
    tags = [t for t in item.get("tags") or () if isinstance(t, str)]
    return FeedItem(
        guid=guid,
        url=url,
        title=title,
        # 1.1: an item without authors has the feed's.
        authors=unique(_authors(item) or feed_authors),
        published=utc_from_string(item.get("date_published")),
        updated=utc_from_string(item.get("date_modified")),
        content_html=content,
        summary_html=summary,
        categories=unique(tags),
        image=_image(item, base),
    )


def _text_only(value: Any) -> Any:
    """``value`` with every string made text (``"\\ud800"`` is valid JSON but no text): one bad
    character must not cost the feed."""
    if isinstance(value, str):
        return text_only(value)
    if isinstance(value, list):
        return [_text_only(v) for v in value]
    if isinstance(value, dict):
        return {text_only(k): _text_only(v) for k, v in value.items()}
    return value


def parse_json_feed(text: str, url: str) -> Feed:
    """Parse a JSON Feed document; NotAFeed for other JSON, MalformedFeed for broken JSON."""
    try:
        document = _text_only(json.loads(text))
    except (ValueError, RecursionError) as error:
        reason = " ".join(str(error).split())
        message = f"broken JSON ({reason}); check the feed URL or retry later"
        raise MalformedFeed(url, message) from error
    not_a_feed = NotAFeed(url, "JSON but not a JSON Feed (no jsonfeed.org version or no items)")
    if not isinstance(document, dict):
        raise not_a_feed
    version = document.get("version")
    items = document.get("items")
    if not (isinstance(version, str) and version.startswith(_VERSION_PREFIXES)):
        raise not_a_feed
    if not isinstance(items, list):
        raise not_a_feed
    feed_authors = _authors(document)
    parsed = [
        item
        for raw in items
        if isinstance(raw, dict) and (item := _item(raw, url, feed_authors)) is not None
    ]
    title = document.get("title")
    return Feed(
        url=url,
        title=title if isinstance(title, str) else "",
        link=resolve_url(url, document.get("home_page_url")),
        format="json",
        items=tuple(parsed),
    )
