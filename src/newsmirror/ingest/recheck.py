"""Re-checks: each article's page fetched again on a decaying schedule, for edits and removals.

This module fetches and extracts; what a look means is ``decide.recheck``'s to say, and
``apply.apply_intents`` records it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime

from newsmirror.archive.archive import Archive
from newsmirror.decide.intents import Intent, NoteCheck
from newsmirror.decide.recheck import Look, judge_look
from newsmirror.errors import FetchError, HTTPStatus
from newsmirror.fetch import Getter, Validators
from newsmirror.ingest.apply import Tally, apply_intents
from newsmirror.ingest.pages import PAGE_ACCEPT
from newsmirror.prepare.candidates import Preparer
from newsmirror.record.model import Revision
from newsmirror.store.model import Due


async def _look(
    fetcher: Getter, preparer: Preparer, url: str, sent: Validators
) -> tuple[Look, Validators]:
    """The page at ``url`` fetched again, and the validators to send next time."""
    try:
        response = await fetcher.get(url, sent, accept=PAGE_ACCEPT)
    except HTTPStatus as error:
        return Look(error.status, url), sent
    except FetchError:
        return Look(None), sent  # transient: the validators stay
    if response.not_modified:
        return Look(response.status, response.url), sent
    extraction = await preparer.extract(response.content, response.url, response.content_type)
    return Look(response.status, response.url, extraction), response.validators


async def _check(
    archive: Archive,
    fetcher: Getter,
    preparer: Preparer,
    history: list[Revision],
    looks: int,
    now: datetime,
) -> list[Intent]:
    """What this look at the page calls for: a revision perhaps, and a note of the look."""
    latest = history[-1]
    assert latest.url is not None
    sent = Validators(*archive.store.page_validators(latest.article))
    look, validators = await _look(fetcher, preparer, latest.url, sent)
    found = judge_look(history, look, archive.policy, now)
    note = NoteCheck(latest.article, looks, validators.etag, validators.last_modified)
    return [found, note]


async def recheck(
    archive: Archive, fetcher: Getter, preparer: Preparer, now: datetime, sources: list[str]
) -> Tally:
    """Look again at every page of ``sources`` that is due; record what changed."""
    settings = archive.settings
    due = archive.store.due_checks(
        now.timestamp(), settings.recheck_seconds, settings.record.recheck_limit, sources
    )
    return await check_due(archive, fetcher, preparer, due, now)


async def check_due(
    archive: Archive, fetcher: Getter, preparer: Preparer, due: Sequence[Due], now: datetime
) -> Tally:
    """Look again at the pages of the ``due`` re-checks; record what changed."""
    histories = [archive.revisions(article) for article, _ in due]
    found = await asyncio.gather(
        *(
            _check(archive, fetcher, preparer, history, looks, now)
            for (_, looks), history in zip(due, histories, strict=True)
        )
    )
    tally = Tally(seen=len(due))
    apply_intents(archive, [intent for intents in found for intent in intents], tally)
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
    articles = archive.store.articles_since(source, since_ms)
    tally = Tally()
    for done, article in enumerate(articles, 1):
        if done > 1:
            await asyncio.sleep(delay)
        history = archive.revisions(article)
        intents = await _check(archive, fetcher, preparer, history, 0, now())
        tally.seen += 1
        apply_intents(archive, intents, tally)
        progress(done, len(articles), tally)
    return tally
