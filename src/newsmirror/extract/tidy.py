"""What trafilatura lets through around the article, taken out of its body (its vocabulary):
link lists and repeated blocks (``prune``), the page's head and tail around the densest run of
text (``trim``), end markers, disclaimers and UI lines (``strip_furniture``).
"""

from __future__ import annotations

import re

from lxml import etree

from newsmirror.extract.body import node_text, norm
from newsmirror.extract.rules import Furniture


def link_share(node: etree._Element) -> float:
    """The share of ``node``'s text that is link text (<ref>)."""
    total = len(norm(node_text(node)))
    if not total:
        return 0.0
    linked = sum(len(norm(node_text(ref))) for ref in node.iter("ref"))
    return linked / total


def prune(body: etree._Element) -> None:
    """Drop what trafilatura lets through: link lists (related, most-read), repeated blocks."""
    for node in list(body.iter("list", "table")):
        if node.getparent() is not None and link_share(node) > 0.5:
            _remove(node)
    seen: set[str] = set()
    for node in list(body):
        key = norm(node_text(node))
        if node.tag == "graphic":
            continue
        # Only tables and lists: a paragraph may well repeat (a refrain, a quoted line), but a
        # layout table or teaser list repeating the article is the page template.
        if (
            node.tag in ("table", "list")
            and len(key) >= 12
            and (key in seen or _contains_seen(key, seen))
        ):
            _remove(node)
            continue
        seen.add(key)


_TOKEN = re.compile(r"[\u3040-\u9fff\uac00-\ud7af]|[^\W\u3040-\u9fff\uac00-\ud7af]+")
SHORT_BLOCK = 5
# Blocks shorter than SHORT_LINE characters are tested against the furniture patterns; an end
# marker may follow MARKER_LEAD characters of decoration ("▌最熱門新聞"); less than TAIL_PROSE
# tokens of prose after a marker is a page's tail, not more of the article.
SHORT_LINE = 40
MARKER_LEAD = 3
TAIL_PROSE = 10


def _weight(node: etree._Element) -> int:
    """How much a block looks like article text: its unlinked tokens beyond a short line's."""
    if node.tag in ("graphic", "head"):
        return 0  # neutral: a picture or a sub-heading neither starts nor ends the article
    tokens = len(_TOKEN.findall(node_text(node)))
    linked = sum(len(_TOKEN.findall(node_text(ref))) for ref in node.iter("ref"))
    return tokens - 2 * linked - SHORT_BLOCK


def trim(body: etree._Element) -> None:
    """Keep the densest run of blocks (maximum-sum span of the weights; Kadane).

    trafilatura often keeps the page's tail (disclaimers, most-read, channel lists) and head
    (teasers, section names) around the article on portal pages. Those are runs of short or
    linked lines; paragraphs are long. The span with the largest total weight is the article,
    and the short lines inside it (sub-headings, list items) stay because the long paragraphs
    on both sides outweigh them. Short lines that a line ending in a colon introduces ("得奖名单
    如下：", "The winners are:"), unlinked and of one shape, are the items of a list (names,
    results) and weigh as list items do: their tokens, with no short line's penalty.
    """
    blocks = list(body)
    if len(blocks) < 3:
        return
    weights = [_weight(node) for node in blocks]
    for index in _introduced(blocks):
        weights[index] = len(_TOKEN.findall(node_text(blocks[index])))
    best = (0, 0, -1)  # (sum, start, end)
    current, start = 0, 0
    for index, weight in enumerate(weights):
        if current <= 0:
            current, start = 0, index
        current += weight
        if current > best[0]:
            best = (current, start, index)
    if best[2] < 0:
        return
    for node in blocks[: best[1]] + blocks[best[2] + 1 :]:
        _remove(node)


def _introduced(blocks: list[etree._Element]) -> list[int]:
    """Indexes of the unlinked short lines, of one tag, that follow a line ending in a colon."""
    found: list[int] = []
    intro = False
    tag = None
    for index, node in enumerate(blocks):
        line = " ".join(node_text(node).split())
        item = 0 < len(line) < SHORT_LINE and node.find(".//ref") is None
        if intro and item and tag in (None, node.tag):
            found.append(index)
            tag = node.tag
            continue
        intro, tag = line.endswith((":", "：")), None
    return found


def strip_furniture(body: etree._Element, furniture: Furniture) -> None:
    """Cut the article where its tail starts and drop UI lines ("分享到", "字體：大 中 小")
    wherever they are (short blocks, tested whole: a paragraph that starts with such words is
    text).

    The tail starts at the first block, once the article has started, that is an end marker
    ("相关新闻", "Related articles") as a whole short line, or that leads with one (a short line
    such as "▌最熱門新聞", a disclaimer paragraph of any length) and is followed by no more
    prose: only short lines and links, the shape of a related list or a site footer.
    """
    blocks = list(body)
    started = False
    for index, node in enumerate(blocks):
        line = " ".join(node_text(node).split())
        short = 0 < len(line) < SHORT_LINE
        if (
            started
            and _ends(line, short, furniture)
            and (
                (short and furniture.end is not None and furniture.end.fullmatch(line))
                or sum(prose(after) for after in blocks[index + 1 :]) < TAIL_PROSE
            )
        ):
            for rest in blocks[index:]:
                _remove(rest)
            return
        if short and furniture.drop and furniture.drop.fullmatch(line):
            _remove(node)
            continue
        started = started or len(line) >= SHORT_LINE


def _ends(line: str, short: bool, furniture: Furniture) -> bool:
    """Whether ``line`` leads with an end marker (a short line) or a disclaimer (any line)."""
    lead = line[: MARKER_LEAD + 40]
    found = furniture.end.search(lead) if short and furniture.end else None
    if found is None and furniture.disclaimer:
        found = furniture.disclaimer.search(lead)
    return found is not None and found.start() <= MARKER_LEAD


_UNLINKED = etree.XPath(".//text()[not(ancestor::ref)]", smart_strings=False)
_SENTENCE = re.compile(r"[^。！？!?.\n]{6,}[。！？!?]|[^.!?。！？\n]{20,}\.(?=\s|$)")


def prose(body: etree._Element | None) -> int:
    """Tokens of ``body``'s unlinked text that stand in whole sentences (ended by a full stop, a
    question or an exclamation mark): how much it reads like an article, which footers, link
    lists and menus do not."""
    if body is None:
        return 0
    texts = _UNLINKED(body)
    text = "\n".join(t for t in texts if isinstance(t, str)) if isinstance(texts, list) else ""
    return sum(len(_TOKEN.findall(s)) for s in _SENTENCE.findall(text))


def _contains_seen(key: str, seen: set[str]) -> bool:
    # A layout table that repeats the article it sits next to (old table-based pages).
    return sum(len(s) for s in seen if len(s) >= 20 and s in key) > len(key) // 2


def _remove(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    if node.tail and node.tail.strip():
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)
