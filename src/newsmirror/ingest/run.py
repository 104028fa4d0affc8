"""One pass: fetch every due source, record what changed, project, commit.

Each source is fetched and recorded on its own; its failure is written to its state and the
pass goes on. Feeds are fetched concurrently (the fetcher bounds it); recording runs on the
event loop between awaits, so two sources never interleave inside one batch.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from newsmirror.archive.archive import Archive
from newsmirror.errors import (
    ArchiveError,
    Conflict,
    HTTPStatus,
    NewsmirrorError,
    NotAFeed,
    RecordError,
)
from newsmirror.feeds import discover_feeds, looks_like_html
from newsmirror.fetch import Fetcher, Getter, Response, Validators
from newsmirror.ingest.apply import Tally
from newsmirror.ingest.images import ImageBudget, localize_images
from newsmirror.ingest.items import plan_feed, record_planned
from newsmirror.ingest.pages import fetch_pages
from newsmirror.ingest.recheck import recheck
from newsmirror.prepare.candidates import Preparer
from newsmirror.project.projector import Written, project_articles
from newsmirror.record.model import iso
from newsmirror.record.warc import WarcRecorder
from newsmirror.settings.sources import Source
from newsmirror.store.model import SourceState

log = logging.getLogger(__name__)

# Re-checks of article pages are reported (and counted in the commit message) as a source.
RECHECKS = Source("re-checks", "re-checks", "")

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1"
)


@dataclass(frozen=True)
class Outcome:
    """How one source fared in a pass."""

    source: Source
    tally: Tally | None = None  # None when skipped or failed
    error: str | None = None
    skipped: bool = False  # not due
    not_modified: bool = False


def is_due(state: SourceState, now: datetime) -> bool:
    return state.next_due is None or state.next_due <= now.timestamp()


def next_due(archive: Archive, source: Source, state: SourceState, now: datetime) -> float:
    settings = archive.settings
    interval = source.interval or settings.interval_seconds
    if state.errors:
        # Back off while a source keeps failing: interval, 2x, 4x ... up to max_backoff.
        # (The exponent is bounded: 2.0 ** 1024 overflows, and 2 ** 40 is past any max_backoff.)
        wait = min(settings.max_backoff_seconds, interval * 2.0 ** min(state.errors - 1, 40))
    else:
        wait = interval
    jitter = settings.schedule.jitter
    return now.timestamp() + wait * (1 + random.uniform(-jitter, jitter))


async def fetch_feed(fetcher: Getter, url: str, validators: Validators) -> tuple[Response, str]:
    """The response for the feed at ``url`` and the feed's URL.

    A web page is resolved through autodiscovery to the first feed it links to.
    """
    response = await fetcher.get(url, validators, accept=FEED_ACCEPT)
    if response.not_modified or not looks_like_html(response.content):
        return response, url
    found = discover_feeds(response.content, response.url)
    if not found:
        raise NotAFeed(url, "a web page that links to no feed; add the feed's own URL")
    return await fetcher.get(found[0], accept=FEED_ACCEPT), found[0]


async def pass_source(
    archive: Archive,
    fetcher: Getter,
    preparer: Preparer,
    source: Source,
    now: datetime,
    images: ImageBudget,
    written: Written | None = None,
    project: bool = True,
) -> Outcome:
    """Fetch and record ``source``; write its new articles' files unless ``project`` is off
    (a worker of a shared database: the publisher writes them from the ledger)."""
    store = archive.store
    state = store.source_state(source.abbr)
    if state.config_url != source.url:  # the configured URL changed: what was found is stale
        state = replace(state, config_url=source.url, feed_url=None, etag=None, last_modified=None)
    url = state.feed_url or source.url
    state = replace(state, last_attempt=iso(now))
    log.debug("%s: fetching %s", source.abbr, url)
    try:
        response, feed_url = await fetch_feed(
            fetcher, url, Validators(state.etag, state.last_modified)
        )
        tally = Tally()
        if not response.not_modified:
            prepared = await preparer.prepare(
                response.content,
                response.url,
                response.content_type,
                source.abbr,
                source.full_text,
            )
            planned = await fetch_pages(
                fetcher, preparer, archive.policy, plan_feed(archive, source.abbr, prepared)
            )
            planned, skipped = await localize_images(archive, fetcher, planned, images)
            tally = record_planned(archive, source.abbr, planned, len(prepared.feed.items), now)
            tally.images_skipped = skipped
            if project:
                project_articles(archive, tally.revisions, written)
    except (OSError, RecordError, ArchiveError):
        # The disk or the caches failed, not the source: nothing is counted against it, and the
        # run stops with one line (what was recorded stays; the next run catches up).
        raise
    except Exception as error:  # a failing source never stops the others, whatever failed
        message = str(error)
        if not isinstance(error, NewsmirrorError):
            message = f"{source.url}: unexpected {type(error).__name__}: {error}"
        state = replace(state, last_error=message, errors=state.errors + 1)
        if isinstance(error, HTTPStatus) and error.status in (404, 410) and state.feed_url:
            state = replace(state, feed_url=None)  # the feed a page linked to is gone: rediscover
        store.save_source_state(replace(state, next_due=next_due(archive, source, state, now)))
        log.debug("%s: failed", source.abbr, exc_info=error)
        return Outcome(source, error=message)
    # Validators are saved only now, after the items are in the record: a crash before this
    # point makes the next run fetch the whole feed again instead of skipping it.
    state = replace(
        state,
        feed_url=feed_url,
        etag=response.validators.etag,
        last_modified=response.validators.last_modified,
        last_success=iso(now),
        last_error=None,
        errors=0,
        items_seen=state.items_seen + tally.seen,
        # A feed not modified fetched no pages: what failed before still stands.
        page_error=state.page_error if response.not_modified else tally.page_report(),
    )
    store.save_source_state(replace(state, next_due=next_due(archive, source, state, now)))
    return Outcome(source, tally=tally, not_modified=response.not_modified)


async def fetch_all(
    archive: Archive,
    sources: Sequence[Source],
    force: bool,
    on_outcome: Callable[[Outcome], None],
    now: datetime,
    written: Written | None,
) -> list[Outcome]:
    with Preparer(archive.policy) as preparer, WarcRecorder(archive.root) as recorder:
        capture = recorder if archive.settings.record.warc else None
        async with Fetcher(archive.settings.fetch, capture) as fetcher:
            images = ImageBudget.of(archive.settings.mirror)

            async def one(source: Source) -> Outcome:
                if not force and not is_due(archive.store.source_state(source.abbr), now):
                    outcome = Outcome(source, skipped=True)
                elif not source.url:
                    error = f"{source.abbr}: no feed URL; set `url` in the config"
                    outcome = Outcome(source, error=error)
                else:
                    try:
                        outcome = await pass_source(
                            archive, fetcher, preparer, source, now, images, written
                        )
                    except Conflict as conflict:
                        # A worker of the shared database recorded one of these revisions
                        # first: nothing of the batch was kept, the source's state is as it
                        # was (still due), and the others go on.
                        error = f"{source.abbr}: {conflict}; it is passed again next run"
                        outcome = Outcome(source, error=error)
                on_outcome(outcome)
                return outcome

            outcomes = list(await asyncio.gather(*(one(source) for source in sources)))
            abbrs = [source.abbr for source in sources]
            rechecked = await recheck(archive, fetcher, preparer, now, abbrs)
            if rechecked.seen:
                project_articles(archive, rechecked.revisions, written)
                outcomes.append(Outcome(RECHECKS, tally=rechecked))
                on_outcome(outcomes[-1])
            return outcomes


def run_pass(
    archive: Archive,
    sources: Sequence[Source],
    force: bool = False,
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
    now: datetime | None = None,
    written: Written | None = None,
) -> list[Outcome]:
    """Fetch and record ``sources``, writing each new article's file as it is recorded.

    ``written`` is told of every file written (the commit being built streams them to git).
    """
    moment = now or datetime.now(UTC)
    return asyncio.run(fetch_all(archive, sources, force, on_outcome, moment, written))


def replay_pass(
    archive: Archive,
    replay: Getter,
    captured: Callable[[str], bool],
    written: Written | None = None,
) -> list[Outcome]:
    """Record the feeds and pages of a capture as if they had just been fetched: every enabled
    source whose feed ``captured`` has goes through the same pass as a live run."""
    now = datetime.now(UTC)

    async def go() -> list[Outcome]:
        with Preparer(archive.policy) as preparer:
            outcomes = []
            images = ImageBudget.of(archive.settings.mirror)
            for source in archive.settings.sources:
                state = archive.store.source_state(source.abbr)
                if source.enabled and captured(state.feed_url or source.url):
                    outcomes.append(
                        await pass_source(archive, replay, preparer, source, now, images, written)
                    )
            return outcomes

    return asyncio.run(go())
