"""trafilatura's XML body to the mirror format's HTML, with the boilerplate it lets through removed.

trafilatura returns its own small vocabulary (p, head, list/item, quote, table/row/cell, graphic,
hi, ref, lb). We render that as the mirror format asks: <p>, sub-headings as <p><strong>, absolute
links that open a new tab, images as <img width="100%"> followed by the caption line, lists,
block quotes, tables; nothing else survives, so no class, id, style or script can leak through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from urllib.parse import urljoin, urlsplit

from lxml import etree

from newsmirror.extract.model import Image
from newsmirror.extract.rules import Furniture
from newsmirror.extract.text import html_to_text

CAPTION = '<div><small style="color: #999;">{}</small></div>'
_HI = {"#b": "strong", "#i": "em", "#u": "u", "#t": "code", "#sub": "sub", "#sup": "sup"}
_WORDS = re.compile(r"\W+")


@lru_cache(maxsize=8192)
def join_url(base: str, url: str) -> str:
    """``urljoin``, remembered: a page's image addresses are resolved by several stages."""
    return urljoin(base, url)


@lru_cache(maxsize=8192)
def image_key(src: str) -> str:
    """What identifies an image across its sizes: the URL's host-less path, lower-cased."""
    try:
        path = urlsplit(src).path
    except ValueError:
        return src
    return path.lower().rstrip("/") or src


def norm(text: str) -> str:
    return _WORDS.sub("", text).lower()


@dataclass
class Rendered:
    html: str = ""
    images: list[Image] = field(default_factory=list)


def _text(node: etree._Element) -> str:
    return "".join(t for t in node.itertext() if isinstance(t, str))


def link_share(node: etree._Element) -> float:
    """The share of ``node``'s text that is link text (<ref>)."""
    total = len(norm(_text(node)))
    if not total:
        return 0.0
    linked = sum(len(norm(_text(ref))) for ref in node.iter("ref"))
    return linked / total


def prune(body: etree._Element) -> None:
    """Drop what trafilatura lets through: link lists (related, most-read), repeated blocks."""
    for node in list(body.iter("list", "table")):
        if node.getparent() is not None and link_share(node) > 0.5:
            _remove(node)
    seen: set[str] = set()
    for node in list(body):
        key = norm(_text(node))
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
    tokens = len(_TOKEN.findall(_text(node)))
    linked = sum(len(_TOKEN.findall(_text(ref))) for ref in node.iter("ref"))
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
        weights[index] = len(_TOKEN.findall(_text(blocks[index])))
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
        line = " ".join(_text(node).split())
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
    lines = [" ".join(_text(node).split()) for node in blocks]
    # Prose after each block: the tail is where none follows.
    after = [0] * (len(blocks) + 1)
    for index in range(len(blocks) - 1, -1, -1):
        after[index] = after[index + 1] + prose(blocks[index])
    started = False
    for index, (node, line) in enumerate(zip(blocks, lines, strict=True)):
        short = 0 < len(line) < SHORT_LINE
        if (
            started
            and _ends(line, short, furniture)
            and (
                (short and furniture.end is not None and furniture.end.fullmatch(line))
                or after[index + 1] < TAIL_PROSE
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


class Renderer:
    def __init__(self, base: str | None, captions: dict[str, str], skip: str | None) -> None:
        self.base = base
        self.captions = captions
        self.skip = skip  # the lead image's key: written above the body, not inside it
        self.out: list[str] = []
        self.images: list[Image] = []
        self.pending_caption = ""

    def absolute(self, href: str | None) -> str | None:
        if not href:
            return None
        href = href.strip()
        if href.startswith(("data:", "javascript:", "#", "mailto:")):
            return href if href.startswith("mailto:") else None
        try:
            return join_url(self.base, href) if self.base else href
        except ValueError:
            return None

    def render(self, body: etree._Element) -> Rendered:
        for node in body:
            self.block(node)
        return Rendered("".join(self.out), self.images)

    def block(self, node: etree._Element) -> None:
        tag = node.tag
        if tag == "graphic":
            self.image(node)
        elif tag == "head":
            inner = self.inline_children(node)
            if inner.strip():
                self.emit(f"<p><strong>{inner}</strong></p>")
        elif tag == "list":
            self.listing(node)
        elif tag == "quote":
            if any(child.tag in ("p", "list", "quote", "table", "head") for child in node):
                # Its blocks as blocks, and the text around them (between line breaks, after a
                # paragraph) as paragraphs of their own.
                self.out.append("<blockquote>")
                self.loose(node)
                self.out.append("</blockquote>")
            else:
                inner = self.inline_children(node)
                if inner.strip():
                    self.emit(f"<blockquote><p>{inner}</p></blockquote>")
        elif tag == "table":
            self.table(node)
        elif tag == "code":
            self.emit(f"<pre><code>{escape(_text(node))}</code></pre>")
        else:  # p, div and whatever else: a paragraph, images inside it lifted out after it
            inner = self.inline_children(node)
            if inner.strip() and norm(inner.replace("<br>", "")):
                self.emit(f"<p>{inner.strip()}</p>")
            for graphic in node.iter("graphic"):
                self.image(graphic)

    def emit(self, html: str) -> None:
        # A block that only repeats the caption just written (trafilatura keeps figcaptions as
        # a paragraph or list after the image) is that caption, not more text.
        if self.pending_caption and norm(re.sub(r"<[^>]+>", "", html)) == self.pending_caption:
            self.pending_caption = ""
            return
        self.pending_caption = ""
        self.out.append(html)

    def loose(self, node: etree._Element) -> None:
        """A container's children as blocks, its loose text and inline runs as paragraphs."""
        run: list[str] = [escape(node.text or "")]
        for child in node:
            if child.tag in ("p", "head", "list", "quote", "table", "graphic", "code"):
                self.flush(run)
                run = []
                self.block(child)
            else:
                run.append(self.inline(child))
            run.append(escape(child.tail or ""))
        self.flush(run)

    def flush(self, run: list[str]) -> None:
        inner = re.sub(r"\s+", " ", "".join(run)).strip()
        if norm(re.sub(r"<[^>]+>", "", inner)):
            self.emit(f"<p>{inner}</p>")

    def image(self, node: etree._Element) -> None:
        src = self.absolute(node.get("src"))
        if not src or not src.startswith(("http://", "https://")):
            return
        if _tiny(node.get("width")) or _tiny(node.get("height")):
            return  # tracking pixels and icons
        key = image_key(src)
        caption = self.captions.get(key, "")
        if key == self.skip:
            self.pending_caption = norm(caption)
            return
        self.images.append(Image(src, caption))
        self.out.append(f'<img src="{escape(src)}" width="100%">')
        if caption:
            self.out.append(CAPTION.format(escape(caption)))
        self.pending_caption = norm(caption)

    def listing(self, node: etree._Element) -> None:
        kind = "ol" if node.get("rend") == "ol" else "ul"
        items: list[str] = []
        for item in node.iterfind("item"):
            nested = [child for child in item if child.tag == "list"]
            inner = self.inline_children(item, skip_lists=True).strip()
            saved, self.out = self.out, []
            for child in nested:
                self.listing(child)
            inner += "".join(self.out)
            self.out = saved
            if norm(re.sub(r"<[^>]+>", "", inner)) or "<img" in inner:
                items.append(f"<li>{inner}</li>")
        if items:
            self.emit(f"<{kind}>{''.join(items)}</{kind}>")

    def table(self, node: etree._Element) -> None:
        if node.find(".//cell/p") is not None or node.find(".//cell/head") is not None:
            # Cells holding paragraphs: a layout table (old portals lay pages out in tables).
            # Its content is the article's, written as blocks, not squeezed into cells.
            for cell in node.iter("cell"):
                self.loose(cell)
            return
        rows: list[str] = []
        for row in node.iter("row"):
            cells = []
            for cell in row.iterfind("cell"):
                tag = "th" if cell.get("role") == "head" else "td"
                cells.append(f"<{tag}>{self.inline_children(cell).strip()}</{tag}>")
            if cells:
                rows.append(f"<tr>{''.join(cells)}</tr>")
        if rows:
            self.emit(f"<table>{''.join(rows)}</table>")

    def inline_children(self, node: etree._Element, skip_lists: bool = False) -> str:
        parts = [escape(node.text or "")]
        for child in node:
            if not (skip_lists and child.tag == "list"):
                parts.append(self.inline(child))
            parts.append(escape(child.tail or ""))
        return re.sub(r"\s+", " ", "".join(parts))

    def inline(self, node: etree._Element) -> str:
        tag = node.tag
        inner = self.inline_children(node)
        if tag == "ref":
            href = self.absolute(node.get("target"))
            if href and inner.strip():
                return f'<a href="{escape(href)}" target="_blank">{inner}</a>'
            return inner
        if tag == "hi":
            name = _HI.get(node.get("rend") or "", "")
            return f"<{name}>{inner}</{name}>" if name and inner.strip() else inner
        if tag == "lb":
            return "<br>"
        if tag == "del":
            return f"<del>{inner}</del>"
        if tag == "graphic":
            return ""  # lifted out as a block by the caller
        if tag in ("p", "head", "list", "quote", "item"):
            return f" {inner} "
        return inner


_CAPTION_DIV = re.compile(r'<div><small style="color: #999;">.*?</small></div>')


def body_text(html: str) -> str:
    """The running text of the body: captions left out (they belong to their images)."""
    return html_to_text(_CAPTION_DIV.sub("", html))


def _tiny(size: str | None) -> bool:
    try:
        return size is not None and float(size.rstrip("px")) < 40
    except ValueError:
        return False


def render(
    body: etree._Element, base: str | None, captions: dict[str, str], skip: str | None
) -> Rendered:
    return Renderer(base, captions, skip).render(body)
