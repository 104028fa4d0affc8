"""Feed items, decided: which go on to their pages and images (``plan_items``), and what each
one asks of the archive once they have (``settle``). No I/O: the caller looks things up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from newsmirror.clean import ImagePolicy
from newsmirror.decide.intents import (
    CountPageFailure,
    Intent,
    NoteFeedHash,
    Nothing,
    RecordRevision,
)
from newsmirror.decide.verdict import Verdict, verdict
from newsmirror.prepare.candidates import Candidate
from newsmirror.record.fingerprint import is_reading_hash, same_reading
from newsmirror.record.identity import article_id
from newsmirror.record.model import Revision, RevisionKind, iso, plausible
from newsmirror.store.model import Known


@dataclass(frozen=True)
class Planned:
    """A feed item that will change the archive, once its page (if wanted) is fetched."""

    candidate: Candidate
    known: Known | None
    verdict: Verdict


def plan_items(source: str, found: Iterable[tuple[Candidate, Known | None]]) -> list[Planned]:
    """The items of ``source``'s feed, each with what the index knows of it, that are new,
    changed, or whose page should be tried again; one plan per article."""
    planned: list[Planned] = []
    claimed: set[str] = set()  # keys and article ids planned already: a feed may list one twice
    for candidate, known in found:
        if claimed.intersection(candidate.keys) or (known and known.article in claimed):
            continue
        # Claimed before deciding: a second listing of an unchanged article must not be
        # taken for an edit of it.
        claimed.update(candidate.keys)
        if known:
            claimed.add(known.article)
        found_verdict = verdict(source, candidate.feed_hash, known)
        if found_verdict in (Verdict.UNCHANGED, Verdict.OTHER_SOURCE):
            continue
        if found_verdict is Verdict.RETRY_PAGE:
            candidate = replace(candidate, wants_page=True)
        planned.append(Planned(candidate, known, found_verdict))
    return planned


def new_article(candidate: Candidate) -> str:
    """The id a new article gets: from its first identity key."""
    return article_id(candidate.keys[0])


def settle(
    source: str,
    plan: Planned,
    current: Known | None,
    path: str,
    policy: ImagePolicy,
    now: datetime,
) -> Intent:
    """What ``plan``, its page and images fetched, asks of the archive. ``current`` is what the
    index knows of the article now (pages were fetched meanwhile, and another feed may have
    recorded it); ``path`` is the article's file (``known.path``, or the one a new article
    gets)."""
    candidate, known = plan.candidate, plan.known
    if known is None:
        if current is not None:
            return Nothing("recorded meanwhile through another feed")
        return RecordRevision(_revision(source, candidate, None, path, now))
    if candidate.summary_only:
        if plan.verdict is Verdict.RETRY_PAGE:
            return CountPageFailure(known.article)
        if not known.summary_only and known.hash != known.feed_hash:
            # A page that failed again never replaces a body that came from the page before;
            # the page is tried again next run.
            return Nothing("the body from the page stands")
        if is_reading_hash(known.hash):
            # A summary never stands in for an adopted article's full text, and the page is not
            # asked for again at every run while the feed's item stays the same: `recheck` does
            # that on request.
            return NoteFeedHash(known.article, candidate.feed_hash)
    same = candidate.hash == known.hash or same_reading(
        known.hash, candidate.title, candidate.html, policy
    )
    if same and candidate.summary_only == known.summary_only:
        # The feed's teaser changed but the article did not (or an adopted article came again
        # with the same text): no revision, and remember the new teaser so the page is not
        # fetched again next run.
        return NoteFeedHash(known.article, candidate.feed_hash)
    if current is None or (current.article, current.rev) != (known.article, known.rev):
        return Nothing("recorded meanwhile through another feed")
    return RecordRevision(_revision(source, candidate, known, path, now))


def _revision(
    source: str, candidate: Candidate, known: Known | None, path: str, now: datetime
) -> Revision:
    item = candidate.item
    published = plausible(item.published or item.updated, now)
    updated = plausible(item.updated, now)
    if known is None:
        article, rev, first_seen = new_article(candidate), 1, iso(now)
    else:
        article, rev, first_seen = known.article, known.rev + 1, known.first_seen
    return Revision(
        article=article,
        rev=rev,
        source=source,
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
        change=RevisionKind.EDITED if rev > 1 else RevisionKind.FIRST,
    )
