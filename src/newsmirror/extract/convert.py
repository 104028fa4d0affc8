"""Ordinary HTML to trafilatura's body vocabulary, for the readability fallback.

readability-lxml returns cleaned HTML; turning it into the same vocabulary trafilatura uses (p,
head, list/item, quote, table/row/cell, graphic, hi, ref, lb) lets one renderer, one pruner and
one trimmer serve both extractors.
"""

from __future__ import annotations

from lxml import etree

from newsmirror.extract.captions import image_source

_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "form",
        "button",
        "input",
        "select",
        "textarea",
        "iframe",
        "svg",
        "nav",
    ]
)
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_INLINE_HI = {
    "b": "#b",
    "strong": "#b",
    "i": "#i",
    "em": "#i",
    "u": "#u",
    "code": "#t",
    "sub": "#sub",
    "sup": "#sup",
}
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "td",
        "th",
        "tr",
        "tbody",
        "thead",
        "table",
        "ul",
        "ol",
        "li",
        "blockquote",
        "pre",
        "figure",
        "figcaption",
        "center",
        "dl",
        "dt",
        "dd",
        "header",
        "footer",
        "aside",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    ]
)


def to_body(root: etree._Element) -> etree._Element:
    body = etree.Element("body")
    _Converter(body).container(root)
    return body


def _tag(node: etree._Element) -> str:
    return node.tag.lower() if isinstance(node.tag, str) else ""


class _Converter:
    def __init__(self, body: etree._Element) -> None:
        self.body = body
        self.para: etree._Element | None = None

    def paragraph(self) -> etree._Element:
        if self.para is None:
            self.para = etree.SubElement(self.body, "p")
        return self.para

    def end_paragraph(self) -> None:
        self.para = None

    def text(self, value: str | None) -> None:
        if value and value.strip():
            para = self.paragraph()
            if len(para):
                para[-1].tail = (para[-1].tail or "") + value
            else:
                para.text = (para.text or "") + value

    def container(self, node: etree._Element) -> None:
        self.text(node.text)
        for child in node:
            tag = _tag(child)
            if tag in _SKIP or not tag:
                pass
            elif tag in ("p",) or tag in _HEADINGS or tag in ("blockquote", "pre"):
                self.end_paragraph()
                name = {"p": "p", "blockquote": "quote", "pre": "code"}.get(tag, "head")
                block = etree.SubElement(self.body, name)
                _inline_into(block, child)
                self.end_paragraph()
            elif tag in ("ul", "ol"):
                self.end_paragraph()
                self.body.append(_listing(child))
            elif tag == "img":
                self.end_paragraph()
                self.graphic(child)
            elif tag in _BLOCKS or child.find(".//p") is not None:
                self.end_paragraph()
                self.container(child)
                self.end_paragraph()
            else:
                para = self.paragraph()
                para.append(_inline(child))
            self.text(child.tail)

    def graphic(self, img: etree._Element) -> None:
        src = image_source(img)
        if src:
            attrs = {"src": src}
            for name in ("alt", "width", "height"):
                if img.get(name):
                    attrs[name] = img.get(name) or ""
            etree.SubElement(self.body, "graphic", attrs)


def _inline(node: etree._Element) -> etree._Element:
    tag = _tag(node)
    if tag == "a" and _linked(node.get("href")):
        out = etree.Element("ref", {"target": node.get("href") or ""})
    elif tag == "br":
        out = etree.Element("lb")
    elif tag in _INLINE_HI:
        out = etree.Element("hi", {"rend": _INLINE_HI[tag]})
    elif tag == "img":
        out = etree.Element("graphic", {"src": image_source(node) or ""})
    else:
        out = etree.Element("span")
    _inline_into(out, node)
    out.tail = None
    return out


def _linked(href: str | None) -> bool:
    """Whether an href leads anywhere: ``javascript:`` and in-page anchors are no links."""
    target = (href or "").strip().lower()
    return bool(target) and not target.startswith(("javascript:", "#"))


def _inline_into(target: etree._Element, node: etree._Element) -> None:
    target.text = node.text
    for child in node:
        if _tag(child) in _SKIP or not _tag(child):
            converted = None
        else:
            converted = _inline(child)
            target.append(converted)
        tail = child.tail or ""
        if converted is not None:
            converted.tail = tail
        elif len(target):
            target[-1].tail = (target[-1].tail or "") + tail
        else:
            target.text = (target.text or "") + tail


def _listing(node: etree._Element) -> etree._Element:
    out = etree.Element("list", {"rend": _tag(node)})
    for li in node:
        if _tag(li) == "li":
            item = etree.SubElement(out, "item")
            _inline_into(item, li)
    return out
