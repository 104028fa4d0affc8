"""From feed bytes to candidates ready for the record: parse, sanitize, text, hash. Pure.

This is where a run spends its CPU, and none of it needs the archive, so large feeds are
prepared in worker processes (all cores) while the event loop goes on fetching and recording.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from types import TracebackType

from .clean import ImagePolicy, plain_text, sanitize
from .decide import identity_keys, unreliable_guids
from .feeds import Feed, FeedItem, parse_feed
from .record.fingerprint import content_hash
from .urls import is_http, normalize_url

TITLE_FROM_TEXT = 40
# Below this a feed is prepared in-process: handing it to a worker would cost more than it saves.
WORKER_THRESHOLD = 128 * 1024


@dataclass(frozen=True)
class Candidate:
    """A feed item made ready for the record."""

    url: str | None
    guid: str | None
    title: str
    html: str
    text: str
    hash: str
    keys: tuple[str, ...]
    item: FeedItem


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
    abbr: str, item: FeedItem, feed_url: str, policy: ImagePolicy, ignored_guids: set[str]
) -> Candidate:
    url = item_url(item, feed_url)
    html = sanitize(item.content_html or item.summary_html or "", url or feed_url)
    text = plain_text(html)
    title = " ".join(item.title.split()) or text[:TITLE_FROM_TEXT] or url or "(untitled)"
    guid = item.guid.strip() if item.guid and item.guid.strip() not in ignored_guids else None
    return Candidate(
        url=url,
        guid=item.guid,
        title=title,
        html=html,
        text=text,
        hash=content_hash(title, html, policy),
        keys=identity_keys(abbr, url, guid),
        item=item,
    )


def prepare_feed(
    data: bytes, url: str, content_type: str | None, abbr: str, policy: ImagePolicy
) -> Prepared:
    feed = parse_feed(data, url, content_type)
    ignored = unreliable_guids([(item.guid, item.url) for item in feed.items])
    candidates = (
        make_candidate(abbr, item, feed.url, policy, ignored) for item in reversed(feed.items)
    )  # oldest first, as they were published
    return Prepared(feed, tuple(c for c in candidates if c.keys))


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

    async def prepare(self, data: bytes, url: str, content_type: str | None, abbr: str) -> Prepared:
        if self.workers < 2 or len(data) < WORKER_THRESHOLD:
            return prepare_feed(data, url, content_type, abbr, self.policy)
        if self._pool is None:
            # Not fork: the parent runs an event loop and threads. A fork server imports this
            # module once and forks the workers from it, instead of each worker importing it.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool, prepare_feed, data, url, content_type, abbr, self.policy
        )
