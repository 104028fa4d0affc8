"""What another look at an article's page says of it: edited, re-extracted, volatile, removed,
restored, or nothing. No I/O: the caller fetches and extracts, and hands over what came.

A removal needs a definite answer (404/410, a redirect away from the article, a page that says
so); timeouts, DNS failures and 5xx are transient and change nothing. An article that answers
again after a removal is restored. An edit is recorded only for articles whose body came from
their page, comparing the new extraction with it (a feed-content body cannot be compared with a
page extraction: that would be a change of method, not of the article).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from newsmirror.clean import ImagePolicy
from newsmirror.decide.intents import Intent, Nothing, RecordRevision
from newsmirror.extract import Extraction
from newsmirror.prepare.candidates import PageBody, page_content
from newsmirror.record.model import Revision, RevisionKind, iso, parse_iso
from newsmirror.text.urls import url_key

GONE = (404, 410)
NOT_MODIFIED = 304

# What a page says when its article was taken down (checked on short pages only).
REMOVAL_NOTICES = re.compile(
    r"(文章|内容|頁面|页面|新闻|新聞)(已被?|已經被?)(删除|刪除|撤下|移除)|页面不存在|頁面不存在|"
    r"(article|story|page|content) (has been|was) (removed|deleted|taken down)|"
    r"no longer (available|exists)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Look:
    """What fetching an article's page again gave."""

    status: int | None  # the HTTP status (304: not modified); None: it failed (timeout, DNS...)
    url: str = ""  # where the page was found, after redirects
    extraction: Extraction | None = None  # what was extracted, when a page came


def removal_evidence(
    article_url: str, status: int, final_url: str, text: str
) -> dict[str, str] | None:
    """Why a re-fetched page shows its article is gone, or None if it is not.

    Transient failures (5xx, timeouts) never get here: only a definite answer counts.
    """
    if status in GONE:
        return {"status": str(status), "url": final_url}
    if url_key(final_url) != url_key(article_url):
        path = url_key(final_url).split("/", 1)[1] if "/" in url_key(final_url) else ""
        where = "the home page" if not path.strip("/") else "another page"
        return {"status": str(status), "url": final_url, "reason": f"redirected to {where}"}
    if len(text) < 2000 and (found := REMOVAL_NOTICES.search(text)):
        start = max(0, found.start() - 40)
        return {"status": str(status), "url": final_url, "snippet": text[start : found.end() + 40]}
    return None


def judge_look(history: list[Revision], look: Look, policy: ImagePolicy, now: datetime) -> Intent:
    """What ``look`` at the page of the article whose revisions are ``history`` (oldest first)
    asks of the archive."""
    latest = history[-1]
    assert latest.url is not None
    removed = latest.change == RevisionKind.REMOVED
    if look.status is None:
        return Nothing("the page did not answer: no proof of anything")
    if look.extraction is None:
        if look.status == NOT_MODIFIED:  # the page is there and as it was
            if removed:
                return _changed(latest, now, RevisionKind.RESTORED, {"status": "304"})
            return Nothing("the page is as it was")
        if look.status not in GONE:
            return Nothing(f"status {look.status} is no proof of removal")
        return _removed(
            latest, now, removal_evidence(latest.url, look.status, latest.url, "") or {}
        )
    if found := removal_evidence(latest.url, look.status, look.url, look.extraction.text):
        return _removed(latest, now, found)
    return _compare(history, look.extraction, look.status, policy, now)


def _removed(latest: Revision, now: datetime, evidence: dict[str, str]) -> Intent:
    if latest.change == RevisionKind.REMOVED:
        return Nothing("removed already")
    return _changed(latest, now, RevisionKind.REMOVED, evidence)


def _compare(
    history: list[Revision], extraction: Extraction, status: int, policy: ImagePolicy, now: datetime
) -> Intent:
    """What a page that answered says of the article: edited, restored, volatile, or nothing."""
    latest = history[-1]
    removed = latest.change == RevisionKind.REMOVED
    volatile = any(revision.change == RevisionKind.VOLATILE for revision in history)
    from_page = not latest.summary_only and latest.hash != (latest.feed_hash or latest.hash)
    if from_page and extraction.ok and not volatile:
        published = parse_iso(latest.published) if latest.published else None
        fresh = page_content(extraction, latest.title, published, latest.url, policy)
        earlier = {revision.hash for revision in history[:-1]}
        if not removed and fresh.hash != latest.hash and fresh.hash in earlier:
            # Back to a version it had before: a page that flips on every fetch. Marked once,
            # and its edits are no longer recorded (removals still are).
            reason = {"reason": "the page switches between versions it had before"}
            return _changed(latest, now, RevisionKind.VOLATILE, reason)
        if fresh.hash != latest.hash:
            if removed:
                return _changed(latest, now, RevisionKind.RESTORED, {}, fresh)
            if latest.extractor != fresh.extractor:
                # A new extractor reads the same page differently: not an edit of the article.
                evidence = {"from": latest.extractor or ""}
                return _changed(latest, now, RevisionKind.RE_EXTRACTED, evidence, fresh)
            return _changed(latest, now, RevisionKind.EDITED, {}, fresh)
    if removed:
        return _changed(latest, now, RevisionKind.RESTORED, {"status": str(status)})
    return Nothing("the article reads as it did")


def _changed(
    latest: Revision,
    now: datetime,
    kind: RevisionKind,
    evidence: dict[str, str],
    body: PageBody | None = None,
) -> RecordRevision:
    """The next revision of ``latest``: the same article, marked, with a new body if given."""
    changed = replace(
        latest,
        rev=latest.rev + 1,
        fetched=iso(now),
        change=kind,
        evidence=evidence,
        original=None,  # an adopted file's own text stands for its first revision only
    )
    if body is not None:
        changed = replace(
            changed, html=body.html, text=body.text, hash=body.hash, extractor=body.extractor
        )
    return RecordRevision(changed)
