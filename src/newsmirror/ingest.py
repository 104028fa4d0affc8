"""From feed items to revisions in the record: normalize, decide, append, index."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from .archive import Archive
from .decide import Known, Verdict, article_id, decide
from .prepare import Candidate, Prepared
from .project.mirror import article_path
from .record.model import Revision, iso


@dataclass
class Tally:
    """What one source's items did to the archive."""

    seen: int = 0
    new: int = 0
    revised: int = 0
    revisions: list[Revision] = field(default_factory=list)  # what was recorded


def _revision(
    archive: Archive,
    abbr: str,
    candidate: Candidate,
    known: Known | None,
    now: datetime,
    pending_paths: set[str],
) -> Revision:
    item = candidate.item
    published = item.published or item.updated
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
        updated=iso(item.updated) if item.updated else None,
        first_seen=first_seen,
        fetched=iso(now),
        html=candidate.html,
        text=candidate.text,
        hash=candidate.hash,
        authors=item.authors,
        categories=item.categories,
        keys=candidate.keys,
    )


def record_feed(
    archive: Archive, abbr: str, prepared: Prepared, now: datetime | None = None
) -> Tally:
    """Record what is new or changed in a feed; an unchanged item writes nothing."""
    now = now or datetime.now(UTC)
    tally = Tally(seen=len(prepared.feed.items))
    batch: dict[str, Revision] = {}  # by article: a feed listing one article twice counts once
    by_key: dict[str, Known] = {}
    pending_paths: set[str] = set()
    for candidate in prepared.candidates:
        known = next((by_key[k] for k in candidate.keys if k in by_key), None)
        known = known or archive.store.find(candidate.keys)
        verdict = decide(abbr, candidate.hash, known)
        if verdict in (Verdict.UNCHANGED, Verdict.OTHER_SOURCE):
            continue
        if known and known.article in batch:
            continue  # the feed lists this article twice; its first entry stands
        revision = _revision(archive, abbr, candidate, known, now, pending_paths)
        batch[revision.article] = revision
        as_known = Known(
            revision.article, revision.rev, revision.hash, abbr, revision.path, revision.first_seen
        )
        for key in candidate.keys:
            by_key[key] = as_known
    if batch:
        entries = archive.log.append(batch.values())
        archive.store.index(entries)
    for revision in batch.values():
        if revision.rev == 1:
            tally.new += 1
        else:
            tally.revised += 1
        tally.revisions.append(revision)
    return tally
