"""Whether trafilatura's quick result needs its full pass, and which of two results to keep.

Bodies are in trafilatura's vocabulary. A later, costlier pass does not always find more of the
article: trafilatura's comparison with readability and justext sometimes takes another block of
the page (the site's footer, a disclaimer) for a short news brief the quick pass found; the one
with more prose (``prose``) is the article.
"""

from __future__ import annotations

from lxml import etree

from newsmirror.extract.body import norm
from newsmirror.extract.tidy import prose

_STRING = etree.XPath("string()", smart_strings=False)
# A second result that keeps at least this share of its text from the first is a refinement
# (or an extension) of it, not another block of the page.
SAME_BLOCK = 0.5
# The quick result is compared with readability and justext (trafilatura's full pass) when
# shorter than DOUBTFUL_BELOW characters, table-dominated, below DOUBTFUL_SHARE of the text of
# the page's long (LONG_PARAGRAPH) paragraphs, on a page without any when longer than
# DOUBTFUL_WITHOUT_PARAGRAPHS characters, or when it is one of a run of REPEATED or more
# same-shaped blocks (a live blog's posts, a forum's messages, a list page's entries; known by
# its first QUICK_KEY characters) that holds more than MORE_REPEATED times its text.
DOUBTFUL_BELOW = 250
DOUBTFUL_SHARE = 0.1
LONG_PARAGRAPH = 80
DOUBTFUL_WITHOUT_PARAGRAPHS = 2000
REPEATED = 3
MORE_REPEATED = 2
QUICK_KEY = 40


def needs_full_pass(
    body: etree._Element | None, page: etree._Element, extracted: int | None = None
) -> bool:
    """Whether ``body`` is doubtful; ``extracted`` is its ``chars`` when the caller has them."""
    if body is None:
        return True
    if extracted is None:
        extracted = chars(body)
    if extracted < DOUBTFUL_BELOW or _deficient(body) or _doubtful(extracted, page):
        return True
    quick = norm(str(_STRING(body)))
    return _repeated(page, quick[:QUICK_KEY], MORE_REPEATED * len(quick)) > 0


def chars(body: etree._Element | None) -> int:
    """The length of ``body``'s text with its white space runs made one space (not joined)."""
    words = [] if body is None else str(_STRING(body)).split()
    return sum(map(len, words)) + max(len(words) - 1, 0)


def _deficient(body: etree._Element) -> bool:
    """trafilatura's own test for a body readability may do better on: no paragraph, or more
    tables than paragraphs (an old portal's layout tables taken for the article)."""
    paragraphs = len(body.findall(".//p"))
    return not paragraphs or len(body.findall(".//table")) > paragraphs


def _doubtful(extracted: int, page: etree._Element) -> bool:
    """A small share of the page's long paragraphs (a section front or a split article), or
    much text from a page with no long <p> at all (text in <div>s, <br>s or tables, where the
    quick pass often takes the page's furniture along).
    """
    paragraphs = 0
    for node in page.iter("p"):
        size = len(str(_STRING(node)).strip())
        if size >= LONG_PARAGRAPH:
            paragraphs += size
    if paragraphs == 0:
        return extracted >= DOUBTFUL_WITHOUT_PARAGRAPHS
    return extracted < DOUBTFUL_SHARE * paragraphs


def _repeated(page: etree._Element, quick: str, least: int) -> int:
    """The text (characters) of the largest run of same-shaped sibling blocks (same tag and
    class, REPEATED or more, each with text) one of which holds the quick result: a page of
    posts or entries of which the quick pass took one. Runs of ``least`` characters or fewer
    are not looked for."""
    best = 0
    for parent in page.iter("div", "ul", "ol", "section", "main", "article", "tbody", "body"):
        # A parent's text, white space and all, bounds its children's: most are left at once.
        if len(parent) < REPEATED or len(str(_STRING(parent))) <= least:
            continue
        groups: dict[tuple[str, str], list[etree._Element]] = {}
        for child in parent:
            if isinstance(child.tag, str) and child.tag not in ("script", "style", "a", "span"):
                groups.setdefault((child.tag, child.get("class") or ""), []).append(child)
        for members in groups.values():
            if len(members) < REPEATED:
                continue
            raw = [str(_STRING(member)) for member in members]
            if sum(len(text) for text in raw) <= least:
                continue  # norm only shortens: too little text however it is normalised
            texts = [norm(text) for text in raw]
            total = sum(len(text) for text in texts)
            if total > least and all(texts) and any(quick in text for text in texts):
                best = max(best, total)
    return best


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
