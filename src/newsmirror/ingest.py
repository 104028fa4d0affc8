"""From feed items to revisions in the record: normalize, decide, append, index."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from .archive import Archive
from .decide import Known, Verdict, article_id, decide
from .prepare import Candidate, Prepared
from .record.fingerprint import is_reading_hash, same_reading
from .record.model import Revision, iso, plausible
from .render.paths import article_path


@dataclass
class Tally:
    """What one source's items did to the archive."""

    seen: int = 0
    new: int = 0
    revised: int = 0
    images_skipped: int = 0  # over the local image policy's caps (images.ImageBudget)
    revisions: list[Revision] = field(default_factory=list)  # what was recorded
    pages: int = 0  # article pages fetched for their full text
    page_failures: Counter[str] = field(default_factory=Counter)  # why pages failed, how often

    def page_report(self) -> str | None:
        """How many pages failed and the commonest reason; None when none did."""
        if not self.page_failures:
            return None
        failed = self.page_failures.total()
        reason, times = self.page_failures.most_common(1)[0]
        return f"{failed} of {self.pages} pages failed, most often {reason} ({times})"


def _revision(
    archive: Archive,
    abbr: str,
    candidate: Candidate,
    known: Known | None,
    now: datetime,
    pending_paths: set[str],
) -> Revision:
    item = candidate.item
    published = plausible(item.published or item.updated, now)
    updated = plausible(item.updated, now)
    if known is None:
        article = article_id(candidate.keys[0])
        moment = published or now
        path = article_path(
            abbr,
            candidate.url,
            article,
            moment,
            archive.tz,
            lambda p: p in pending_paths or archive.store.path_taken(p),
        )
        pending_paths.add(path)
        rev, first_seen = 1, iso(now)
    else:
        article, path, rev, first_seen = known.article, known.path, known.rev + 1, known.first_seen
    return Revision(
        article=article,
        rev=rev,
        source=abbr,
        path=path,
        url=candidate.url,
        guid=candidate.guid,
        title=candidate.title,
        published=iso(published) if published else None,
        updated=iso(updated) if updated else None,
        first_seen=first_seen,
        fetched=iso(now),
        html=candidate.html,
        text=candidate.text,
        hash=candidate.hash,
        authors=item.authors,
        categories=item.categories,
        keys=candidate.keys,
        feed_hash=candidate.feed_hash,
        summary_only=candidate.summary_only,
        extractor=candidate.extractor,
        images=candidate.images,
        change="edited" if rev > 1 else "",
    )


@dataclass(frozen=True)
class Planned:
    """A feed item that will change the archive, once its page (if wanted) is fetched."""

    candidate: Candidate
    known: Known | None
    verdict: Verdict


def plan_feed(archive: Archive, abbr: str, prepared: Prepared) -> list[Planned]:
    """The items that are new, changed, or whose page should be tried again."""
    planned: list[Planned] = []
    claimed: set[str] = set()  # keys and article ids planned already: a feed may list one twice
    for candidate in prepared.candidates:
        if claimed.intersection(candidate.keys):
            continue
        known = archive.store.find(candidate.keys)
        if known and known.article in claimed:
            continue
        # Claimed before deciding: a second listing of an unchanged article must not be
        # taken for an edit of it.
        claimed.update(candidate.keys)
        if known:
            claimed.add(known.article)
        verdict = decide(abbr, candidate.feed_hash, known)
        if verdict in (Verdict.UNCHANGED, Verdict.OTHER_SOURCE):
            continue
        if verdict is Verdict.RETRY_PAGE:
            candidate = replace(candidate, wants_page=True)
        planned.append(Planned(candidate, known, verdict))
    return planned


def _keep(archive: Archive, plan: Planned) -> bool:
    """Whether ``plan`` still holds: pages were fetched meanwhile, and a page that failed
    again must not replace a body that came from the page before."""
    candidate, known = plan.candidate, plan.known
    if candidate.summary_only and known:
        if plan.verdict is Verdict.RETRY_PAGE:
            archive.store.page_failed(known.article)
            return False
        if not known.summary_only and known.hash != known.feed_hash:
            return False  # keep the body from the page; the page is tried again next run
    if known and is_reading_hash(known.hash) and candidate.summary_only:
        # A summary never stands in for an adopted article's full text, and the page is not
        # asked for again at every run while the feed's item stays the same: `recheck` does
        # that on request.
        archive.store.set_feed_hash(known.article, candidate.feed_hash)
        return False
    same = (
        candidate.hash == known.hash
        or same_reading(known.hash, candidate.title, candidate.html, archive.policy)
        if known
        else False
    )
    if known and same and candidate.summary_only == known.summary_only:
        # The feed's teaser changed but the article did not (or an adopted article came again
        # with the same text): no revision, and remember the new teaser so the page is not
        # fetched again next run.
        archive.store.set_feed_hash(known.article, candidate.feed_hash)
        return False
    current = archive.store.find(candidate.keys)  # another source may have recorded it meanwhile
    return (
        (current.article, current.rev) == (known.article, known.rev)
        if current and known
        else current is None and known is None
    )


def record_planned(
    archive: Archive, abbr: str, planned: list[Planned], seen: int, now: datetime | None = None
) -> Tally:
    """Append the planned revisions to the record and index them."""
    now = now or datetime.now(UTC)
    tally = Tally(seen=seen)
    for plan in planned:
        tally.pages += plan.candidate.wants_page and bool(plan.candidate.url)
        if plan.candidate.page_failure:
            tally.page_failures[plan.candidate.page_failure] += 1
    pending_paths: set[str] = set()
    batch = [
        _revision(archive, abbr, plan.candidate, plan.known, now, pending_paths)
        for plan in planned
        if _keep(archive, plan)
    ]
    if batch:
        archive.append(batch)
    for revision in batch:
        if revision.rev == 1:
            tally.new += 1
        else:
            tally.revised += 1
        tally.revisions.append(revision)
    return tally
