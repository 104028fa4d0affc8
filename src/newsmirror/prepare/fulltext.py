"""Whether a feed item's own text is the article or a teaser whose page must be fetched."""

from __future__ import annotations

import re

from newsmirror.feeds import FeedItem

# The feed's text looks cut short: an ellipsis at the end, or a "read more" link.
TRUNCATION_MARKS = re.compile(
    r"(\.\.\.|…|\[…\]|\[\.\.\.\])\s*$|read more|continue reading|full story|"
    r"阅读全文|閱讀全文|继续阅读|繼續閱讀|查看全文|点击阅读|點擊閱讀|更多内容|详细内容",
    re.IGNORECASE,
)
# A feed summary is rarely longer than this; an article rarely shorter (in characters).
SUMMARY_LENGTH = 600


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
