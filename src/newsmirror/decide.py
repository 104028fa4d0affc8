"""What a feed item means for the archive: new, a revision, or nothing. No I/O here."""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass

from .feeds import FeedItem
from .urls import url_key

# The feed's text looks cut short: an ellipsis at the end, or a "read more" link.
TRUNCATION_MARKS = re.compile(
    r"(\.\.\.|…|\[…\]|\[\.\.\.\])\s*$|read more|continue reading|full story|"
    r"阅读全文|閱讀全文|继续阅读|繼續閱讀|查看全文|点击阅读|點擊閱讀|更多内容|详细内容",
    re.IGNORECASE,
)
# A feed summary is rarely longer than this; an article rarely shorter (in characters).
SUMMARY_LENGTH = 600


@dataclass(frozen=True)
class Known:
    """What the index knows of an archived article."""

    article: str
    rev: int
    hash: str
    source: str
    path: str
    first_seen: str
    feed_hash: str  # hash of the feed item behind the latest revision
    summary_only: bool = False  # the page could not be extracted; the feed's summary stands
    page_attempts: int = 0  # page fetches that failed since the last success


class Verdict(enum.Enum):
    NEW = "new"
    REVISED = "revised"
    UNCHANGED = "unchanged"
    RETRY_PAGE = "retry-page"  # the feed item is unchanged but its page was never extracted
    OTHER_SOURCE = "other-source"  # archived through another source's feed; that one owns it


def identity_keys(source: str, url: str | None, guid: str | None) -> tuple[str, ...]:
    """Keys that identify an article: its URL (any variant) first, then the source's GUID."""
    keys = []
    if url:
        keys.append("url:" + url_key(url))
    if guid and guid.strip():
        keys.append(f"guid:{source}:{guid.strip()}")
    return tuple(keys)


# The key of an adopted article's second file (two old files with one URL): its path.
PATH_KEY = "path:"


def article_id(first_key: str) -> str:
    return hashlib.sha256(first_key.encode()).hexdigest()[:16]


MAX_PAGE_ATTEMPTS = 5


def decide(source: str, feed_hash: str, known: Known | None) -> Verdict:
    """Compare the feed item with what the feed said last time (like with like: an article
    whose body came from its page is not "changed" because the feed carries a summary)."""
    if known is None:
        return Verdict.NEW
    if known.source != source:
        # One article reached through two feeds is one article; letting both feeds write it
        # would record their differing renderings as endless revisions.
        return Verdict.OTHER_SOURCE
    if known.feed_hash != feed_hash:
        return Verdict.REVISED
    if known.summary_only and known.page_attempts < MAX_PAGE_ATTEMPTS:
        return Verdict.RETRY_PAGE
    return Verdict.UNCHANGED


def unreliable_guids(items: list[tuple[str | None, str | None]]) -> set[str]:
    """GUIDs that one feed gives to several different URLs: they identify nothing."""
    urls_by_guid: dict[str, set[str]] = {}
    for guid, url in items:
        if guid and url:
            urls_by_guid.setdefault(guid.strip(), set()).add(url_key(url))
    return {guid for guid, urls in urls_by_guid.items() if len(urls) > 1}


def needs_page(mode: str, item: FeedItem, text: str) -> bool:
    """Whether to fetch the article's page for its full text, judged from the feed item."""
    if mode != "auto":
        return mode == "always"
    if not text or TRUNCATION_MARKS.search(text[-200:]):
        return True
    if item.content_html is None:
        # Only a description: a summary, unless it is long or made of several paragraphs.
        return len(text) < SUMMARY_LENGTH and text.count("\n") < 2
    # Content that merely repeats the description is the description.
    repeats_summary = (item.summary_html or "").strip() == item.content_html.strip()
    return len(text) < SUMMARY_LENGTH // 3 or (repeats_summary and len(text) < SUMMARY_LENGTH)


# What a page says when its article was taken down (checked on short pages only).
REMOVAL_NOTICES = re.compile(
    r"(文章|内容|頁面|页面|新闻|新聞)(已被?|已經被?)(删除|刪除|撤下|移除)|页面不存在|頁面不存在|"
    r"(article|story|page|content) (has been|was) (removed|deleted|taken down)|"
    r"no longer (available|exists)",
    re.IGNORECASE,
)


def removal_evidence(
    article_url: str, status: int, final_url: str, text: str
) -> dict[str, str] | None:
    """Why a re-fetched page shows its article is gone, or None if it is not.

    Transient failures (5xx, timeouts) never get here: only a definite answer counts.
    """
    if status in (404, 410):
        return {"status": str(status), "url": final_url}
    if url_key(final_url) != url_key(article_url):
        path = url_key(final_url).split("/", 1)[1] if "/" in url_key(final_url) else ""
        where = "the home page" if not path.strip("/") else "another page"
        return {"status": str(status), "url": final_url, "reason": f"redirected to {where}"}
    if len(text) < 2000 and (found := REMOVAL_NOTICES.search(text)):
        start = max(0, found.start() - 40)
        return {"status": str(status), "url": final_url, "snippet": text[start : found.end() + 40]}
    return None
