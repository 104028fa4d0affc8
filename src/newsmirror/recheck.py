"""Re-checks: each article's page fetched again on a decaying schedule, for edits and removals.

A removal needs a definite answer (404/410, a redirect away from the article, a page that says
so); timeouts, DNS failures and 5xx are transient and change nothing. An article that answers
again after a removal is restored. An edit is recorded only for articles whose body came from
their page, comparing the new extraction with it (a feed-content body cannot be compared with a
page extraction: that would be a change of method, not of the article).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from .archive import Archive
from .decide import removal_evidence
from .errors import FetchError, HTTPStatus
from .extract import Extraction
from .fetch import Getter, Validators
from .ingest import Tally
from .pages import PAGE_ACCEPT
from .prepare import PageBody, Preparer, page_content
from .record.model import Revision, iso, parse_iso


def _changed(
    latest: Revision,
    now: datetime,
    change: str,
    evidence: dict[str, str],
    body: PageBody | None = None,
) -> Revision:
    """The next revision of ``latest``: the same article, marked, with a new body if given."""
    changed = replace(
        latest,
        rev=latest.rev + 1,
        fetched=iso(now),
        change=change,
        evidence=evidence,
        original=None,  # an adopted file's own text stands for its first revision only
    )
    if body is None:
        return changed
    return replace(
        changed, html=body.html, text=body.text, hash=body.hash, extractor=body.extractor
    )


async def _check(
    archive: Archive,
    fetcher: Getter,
    preparer: Preparer,
    history: list[Revision],
    now: datetime,
    sent: Validators,
) -> tuple[Revision | None, Validators]:
    """The revision this look at the page calls for, if any, and the page's validators."""
    latest = history[-1]
    assert latest.url is not None
    removed = latest.change == "removed"
    try:
        response = await fetcher.get(latest.url, sent, accept=PAGE_ACCEPT)
    except HTTPStatus as error:
        if error.status not in (404, 410):
            return None, sent  # other statuses (5xx, 403, ...) are no proof of removal
        evidence = removal_evidence(latest.url, error.status, latest.url, "")
        return (None if removed else _changed(latest, now, "removed", evidence or {})), sent
    except FetchError:
        return None, sent  # transient: never a removal, and the validators stay
    if response.not_modified:  # the page is there and as it was
        restored = _changed(latest, now, "restored", {"status": "304"}) if removed else None
        return restored, sent
    validators = response.validators
    extraction = await preparer.extract(response.content, response.url, response.content_type)
    evidence = removal_evidence(latest.url, response.status, response.url, extraction.text)
    if evidence:
        return (None if removed else _changed(latest, now, "removed", evidence)), validators
    return _compare(archive, history, extraction, now, response.status), validators


def _compare(
    archive: Archive, history: list[Revision], extraction: Extraction, now: datetime, status: int
) -> Revision | None:
    """What a page that answered says of the article: edited, restored, volatile, or nothing."""
    latest = history[-1]
    removed = latest.change == "removed"
    volatile = any(revision.change == "volatile" for revision in history)
    from_page = not latest.summary_only and latest.hash != (latest.feed_hash or latest.hash)
    if from_page and extraction.ok and not volatile:
        published = parse_iso(latest.published) if latest.published else None
        fresh = page_content(extraction, latest.title, published, latest.url, archive.policy)
        earlier = {revision.hash for revision in history[:-1]}
        if not removed and fresh.hash != latest.hash and fresh.hash in earlier:
            # Back to a version it had before: a page that flips on every fetch. Marked once,
            # and its edits are no longer recorded (removals still are).
            reason = {"reason": "the page switches between versions it had before"}
            return _changed(latest, now, "volatile", reason)
        if fresh.hash != latest.hash:
            if removed:
                return _changed(latest, now, "restored", {}, fresh)
            if latest.extractor != fresh.extractor:
                # A new extractor reads the same page differently: not an edit of the article.
                return _changed(
                    latest, now, "re-extracted", {"from": latest.extractor or ""}, fresh
                )
            return _changed(latest, now, "edited", {}, fresh)
    if removed:
        return _changed(latest, now, "restored", {"status": str(status)})
    return None


async def recheck(
    archive: Archive, fetcher: Getter, preparer: Preparer, now: datetime, sources: list[str]
) -> Tally:
    """Look again at every page of ``sources`` that is due; record what changed."""
    store = archive.store
    settings = archive.settings
    due = store.due_checks(
        now.timestamp(), settings.recheck_seconds, settings.record.recheck_limit, sources
    )
    histories = [archive.revisions(article) for article, _ in due]
    found = await asyncio.gather(
        *(
            _check(archive, fetcher, preparer, history, now, Validators(*store.page_validators(a)))
            for (a, _), history in zip(due, histories, strict=True)
        )
    )
    for (article, looks), (_, validators) in zip(due, found, strict=True):
        store.checked(article, looks, validators.etag, validators.last_modified)
    tally = Tally(seen=len(due))
    batch = [revision for revision, _ in found if revision]
    if batch:
        archive.append(batch)
        tally.revised = len(batch)
        tally.revisions = batch
    return tally


async def verify(
    archive: Archive,
    fetcher: Getter,
    preparer: Preparer,
    source: str,
    since_ms: int,
    delay: float,
    progress: Callable[[int, int, Tally], None],
    now: Callable[[], datetime],
) -> Tally:
    """Look at the page of every article of ``source`` published since ``since_ms``, one at a
    time and ``delay`` seconds apart, whatever its schedule; record what changed as it goes.
    This is the explicit way to verify old (adopted) articles: it never runs by itself."""
    store = archive.store
    articles = store.articles_since(source, since_ms)
    tally = Tally()
    for done, article in enumerate(articles, 1):
        if done > 1:
            await asyncio.sleep(delay)
        history = archive.revisions(article)
        sent = Validators(*store.page_validators(article))
        revision, validators = await _check(archive, fetcher, preparer, history, now(), sent)
        store.checked(article, 0, validators.etag, validators.last_modified)
        tally.seen += 1
        if revision:
            archive.append([revision])
            tally.revised += 1
            tally.revisions.append(revision)
        progress(done, len(articles), tally)
    return tally
