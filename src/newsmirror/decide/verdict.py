"""What a feed item is, compared with what the index knows: new, revised, or nothing."""

from __future__ import annotations

import enum

from newsmirror.store.model import MAX_PAGE_ATTEMPTS, Known


class Verdict(enum.Enum):
    NEW = "new"
    REVISED = "revised"
    UNCHANGED = "unchanged"
    RETRY_PAGE = "retry-page"  # the feed item is unchanged but its page was never extracted
    OTHER_SOURCE = "other-source"  # archived through another source's feed; that one owns it


def verdict(source: str, feed_hash: str, known: Known | None) -> Verdict:
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
