"""From feed bytes to candidates ready for the record: parse, sanitize, text, hash. Pure.

This is where a run spends its CPU, and none of it needs the archive, so large feeds are
prepared in worker processes (all cores) while the event loop goes on fetching and recording.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from types import TracebackType
from typing import Any, TypeVar

from newsmirror.clean import ImagePolicy, clean_line, plain_text, sanitize
from newsmirror.extract import EXTRACTOR, Extraction, extract_article
from newsmirror.feeds import Feed, FeedItem, parse_feed
from newsmirror.pools import process_pool
from newsmirror.prepare.fulltext import needs_page
from newsmirror.record.fingerprint import content_hash
from newsmirror.record.identity import identity_keys, unreliable_guids
from newsmirror.record.model import plausible
from newsmirror.text.urls import is_http, normalize_url

TITLE_FROM_TEXT = 40
# Below this a feed is prepared in-process: handing it to a worker would cost more than it saves.
WORKER_THRESHOLD = 128 * 1024
T = TypeVar("T")


@dataclass(frozen=True)
class Candidate:
    """A feed item made ready for the record."""

    url: str | None
    guid: str | None
    title: str
    html: str
    text: str
    hash: str  # of this body; for a page body, not the feed item's
    keys: tuple[str, ...]
    item: FeedItem
    feed_hash: str  # of the feed item, to tell next time whether the feed changed it
    wants_page: bool = False  # the feed's text looks truncated: the page should be extracted
    summary_only: bool = False  # the page was wanted but could not be extracted
    page_failure: str = ""  # why, when it could not (the extraction's status)
    extractor: str | None = None
    images: dict[str, str] = field(default_factory=dict)  # local copies (image policy local)


@dataclass(frozen=True)
class Prepared:
    feed: Feed
    candidates: tuple[Candidate, ...]  # oldest first; items with nothing to identify them dropped


def item_url(item: FeedItem, feed_url: str) -> str | None:
    """The item's absolute http(s) link, else its GUID when that is a URL."""
    if item.url and (url := normalize_url(item.url, feed_url)) and is_http(url):
        return url
    if item.guid and is_http(item.guid.strip()):
        return normalize_url(item.guid)
    return None


def make_candidate(
    abbr: str,
    item: FeedItem,
    feed_url: str,
    policy: ImagePolicy,
    ignored_guids: set[str],
    full_text: str = "never",
) -> Candidate:
    url = item_url(item, feed_url)
    html = sanitize(item.content_html or item.summary_html or "", url or feed_url)
    text = plain_text(html)
    title = clean_line(item.title) or clean_line(text[:TITLE_FROM_TEXT]) or url or "(untitled)"
    guid = item.guid.strip() if item.guid and item.guid.strip() not in ignored_guids else None
    body_hash = content_hash(title, html, policy)
    return Candidate(
        url=url,
        guid=item.guid,
        title=title,
        html=html,
        text=text,
        hash=body_hash,
        keys=identity_keys(abbr, url, guid),
        item=item,
        feed_hash=body_hash,
        wants_page=bool(url) and needs_page(full_text, item, text),
    )


def prepare_feed(
    data: bytes,
    url: str,
    content_type: str | None,
    abbr: str,
    policy: ImagePolicy,
    full_text: str = "never",
) -> Prepared:
    feed = parse_feed(data, url, content_type)
    ignored = unreliable_guids([(item.guid, item.url) for item in feed.items])
    candidates = (
        make_candidate(abbr, item, feed.url, policy, ignored, full_text)
        for item in reversed(feed.items)
    )  # oldest first, as they were published
    return Prepared(feed, tuple(c for c in candidates if c.keys))


def page_body(extraction: Extraction, published: datetime | None) -> str:
    """The mirror format's body for an article newsmirror extracted itself: the date line, the
    lead image and its caption, then the content."""
    parts = []
    now = datetime.now(UTC)
    moment = plausible(extraction.published, now) or plausible(published, now)
    if moment:
        parts.append(f"<div><i>{format_datetime(moment.astimezone(UTC), usegmt=True)}</i></div>")
    lead = extraction.lead_image
    if lead:
        parts.append(f'<img src="{escape(lead.src)}" width="100%">')
        if lead.caption:
            parts.append(f'<div><small style="color: #999;">{escape(lead.caption)}</small></div>')
    parts.append(extraction.html)
    return "".join(parts)


@dataclass(frozen=True)
class PageBody:
    """An article's body as newsmirror extracted it from the page."""

    html: str
    text: str
    hash: str
    extractor: str


def page_content(
    extraction: Extraction,
    title: str,
    published: datetime | None,
    url: str | None,
    policy: ImagePolicy,
) -> PageBody:
    html = sanitize(page_body(extraction, published), url)
    return PageBody(html, plain_text(html), content_hash(title, html, policy), EXTRACTOR)


def with_page(candidate: Candidate, extraction: Extraction, policy: ImagePolicy) -> Candidate:
    """``candidate`` with its body from the page; the feed's summary stays when that failed."""
    if not extraction.ok:
        return replace(
            candidate, summary_only=True, extractor=EXTRACTOR, page_failure=extraction.status
        )
    item = candidate.item
    title = clean_line(extraction.title) or candidate.title
    title = candidate.title if item.title.strip() else title
    body = page_content(extraction, title, item.published or item.updated, candidate.url, policy)
    return replace(
        candidate,
        title=title,
        html=body.html,
        text=body.text,
        hash=body.hash,
        summary_only=False,
        extractor=body.extractor,
    )


class Preparer:
    """Prepares feeds inline, or in a pool of worker processes started on first need."""

    def __init__(self, policy: ImagePolicy, workers: int | None = None) -> None:
        self.policy = policy
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Preparer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    async def prepare(
        self, data: bytes, url: str, content_type: str | None, abbr: str, full_text: str
    ) -> Prepared:
        return await self._run(
            len(data) >= WORKER_THRESHOLD,
            prepare_feed,
            data,
            url,
            content_type,
            abbr,
            self.policy,
            full_text,
        )

    async def extract(self, page: bytes, url: str, content_type: str | None) -> Extraction:
        # Extraction costs milliseconds even for small pages: always worth a worker.
        return await self._run(True, extract_article, page, url, content_type)

    async def _run(self, heavy: bool, function: Callable[..., T], *args: Any) -> T:
        if self.workers < 2 or not heavy:
            return function(*args)
        if self._pool is None:
            # The parent runs an event loop and, once it has resolved a name, threads: the
            # workers then come from a fork server that imported this module once.
            # A Ctrl-C is the parent's to answer: a worker finishes its passes in hand
            # (`run` stops, and this pool's exit drops what was queued).
            self._pool = process_pool(self.workers, preload=[__name__], ignore_interrupts=True)
        return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)
