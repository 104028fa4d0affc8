"""From feed items to revisions in the record: plan, then (after pages and images) record.

The decisions are ``decide.items``'s; this module looks up what they need and hands the
intents they return to ``apply.apply_intents``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from newsmirror.archive.archive import Archive
from newsmirror.decide.intents import Intent, RecordRevision
from newsmirror.decide.items import Planned, new_article, plan_items, settle
from newsmirror.ingest.apply import Tally, apply_intents
from newsmirror.prepare.candidates import Prepared
from newsmirror.record.model import plausible
from newsmirror.render.paths import article_path


def plan_feed(archive: Archive, abbr: str, prepared: Prepared) -> list[Planned]:
    """The items that are new, changed, or whose page should be tried again."""
    found = ((candidate, archive.store.find(candidate.keys)) for candidate in prepared.candidates)
    return plan_items(abbr, found)


def record_planned(
    archive: Archive, abbr: str, planned: list[Planned], seen: int, now: datetime | None = None
) -> Tally:
    """Settle each plan, its page and images fetched, and carry out what that asks."""
    now = now or datetime.now(UTC)
    tally = Tally(seen=seen)
    pending_paths: set[str] = set()  # paths given to new articles of this batch
    intents: list[Intent] = []
    for plan in planned:
        candidate = plan.candidate
        tally.pages += candidate.wants_page and bool(candidate.url)
        if candidate.page_failure:
            tally.page_failures[candidate.page_failure] += 1
        if plan.known:
            path = plan.known.path
        else:
            item = candidate.item
            path = article_path(
                abbr,
                candidate.url,
                new_article(candidate),
                plausible(item.published or item.updated, now) or now,
                archive.tz,
                lambda p: p in pending_paths or archive.store.path_taken(p),
            )
        current = archive.store.find(candidate.keys)  # pages were fetched meanwhile
        intent = settle(abbr, plan, current, path, archive.policy, now)
        if isinstance(intent, RecordRevision):
            pending_paths.add(intent.revision.path)
        intents.append(intent)
    apply_intents(archive, intents, tally)
    return tally
