"""trafilatura's XML body to the mirror format's HTML (what it lets through is removed by tidy.py).

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
from newsmirror.extract.text import html_to_text

CAPTION = '<div><small style="color: #999;">{}</small></div>'
_BOLD = re.compile(r"</?strong>")
_HI = {"#b": "strong", "#i": "em", "#u": "u", "#t": "code", "#sub": "sub", "#sup": "sup"}
_WORDS = re.compile(r"\W+")
_SPACE_RUN = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]+>")


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


_STRING = etree.XPath("string()", smart_strings=False)


def node_text(node: etree._Element) -> str:
    """All the text below ``node``, as ``itertext`` gives it, concatenated in C."""
    return str(_STRING(node))


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
            # Bold already (<h2><strong>...</strong></h2>, as RFI writes them): bold once.
            inner = _BOLD.sub("", self.inline_children(node)).strip()
            if inner:
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
            self.emit(f"<pre><code>{escape(node_text(node))}</code></pre>")
        else:  # p, div and whatever else: a paragraph, images inside it lifted out after it
            inner = self.inline_children(node)
            if inner.strip() and norm(inner.replace("<br>", "")):
                self.emit(f"<p>{inner.strip()}</p>")
            for graphic in node.iter("graphic"):
                self.image(graphic)

    def emit(self, html: str) -> None:
        # A block that only repeats the caption just written (trafilatura keeps figcaptions as
        # a paragraph or list after the image) is that caption, not more text.
        if self.pending_caption and norm(_TAG.sub("", html)) == self.pending_caption:
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
        inner = _SPACE_RUN.sub(" ", "".join(run)).strip()
        if norm(_TAG.sub("", inner)):
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
            if norm(_TAG.sub("", inner)) or "<img" in inner:
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
        return _SPACE_RUN.sub(" ", "".join(parts))

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
