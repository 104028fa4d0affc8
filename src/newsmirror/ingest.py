"""From feed items to revisions in the record: normalize, decide, append, index."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from .archive import Archive
from .clean import plain_text, sanitize
from .decide import Known, Verdict, article_id, decide, identity_keys, unreliable_guids
from .feeds import Feed, FeedItem
from .project.mirror import article_path
from .record.fingerprint import content_hash
from .record.model import Revision, iso
from .urls import is_http, normalize_url

TITLE_FROM_TEXT = 40


@dataclass
class Tally:
    """What one source's items did to the archive."""

    seen: int = 0
    new: int = 0
    revised: int = 0
    revisions: list[Revision] = field(default_factory=list)  # what was recorded


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


def item_url(item: FeedItem, feed_url: str) -> str | None:
    for raw in (item.url, item.guid):
        if raw:
            url = normalize_url(raw, feed_url)
            if (
                url
                and is_http(url)
                and (raw is item.url or raw.startswith(("http://", "https://")))
            ):
                return url
    return None


def make_candidate(
    archive: Archive, abbr: str, item: FeedItem, feed_url: str, ignored_guids: set[str]
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
        hash=content_hash(title, html, archive.policy),
        keys=identity_keys(abbr, url, guid),
        item=item,
    )


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


def record_feed(archive: Archive, abbr: str, feed: Feed, now: datetime | None = None) -> Tally:
    """Record what is new or changed in ``feed``; an unchanged item writes nothing."""
    now = now or datetime.now(UTC)
    tally = Tally(seen=len(feed.items))
    ignored = unreliable_guids([(item.guid, item.url) for item in feed.items])
    batch: dict[str, Revision] = {}  # by article: a feed listing one article twice counts once
    by_key: dict[str, Known] = {}
    pending_paths: set[str] = set()
    for item in reversed(feed.items):  # oldest first, so list order matches publication
        candidate = make_candidate(archive, abbr, item, feed.url, ignored)
        if not candidate.keys:
            continue  # nothing identifies it: no link and no guid
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
