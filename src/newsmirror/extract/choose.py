"""Choosing between two candidate bodies (trafilatura's vocabulary) for the same page.

A later, costlier pass does not always find more of the article: trafilatura's comparison with
readability and justext sometimes takes another block of the page (the site's footer, a
disclaimer) for a short news brief the quick pass found: the one with more prose (``prose``)
is the article.
"""

from __future__ import annotations

from lxml import etree

from newsmirror.extract.body import norm, prose

_STRING = etree.XPath("string()", smart_strings=False)
# A second result that keeps at least this share of its text from the first is a refinement
# (or an extension) of it, not another block of the page.
SAME_BLOCK = 0.5


def better(first: etree._Element | None, second: etree._Element | None) -> etree._Element | None:
    """``second`` unless it is another block of the page with less prose than ``first``."""
    if second is None or first is None:
        return second if first is None else first
    if _shared(first, second) >= SAME_BLOCK:
        return second
    return second if prose(second) >= prose(first) else first


def _shared(first: etree._Element, second: etree._Element) -> float:
    """The share of ``second``'s blocks (by their text) that ``first`` also has."""
    seen = norm(str(_STRING(first)))
    keys = [norm(str(_STRING(block))) for block in second]
    total = sum(len(k) for k in keys)
    return sum(len(k) for k in keys if k and k in seen) / total if total else 1.0
