"""Plain text of an HTML fragment: one line per block, inline elements run together."""

from __future__ import annotations

import re

from lxml import etree, html

# Elements that end a line of text. Everything else (a, strong, span, ...) is inline, so its
# text joins its neighbours' without a break, as a browser renders it.
BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "td",
        "th",
        "tr",
        "ul",
        "caption",
        "head",
        "item",
        "list",
        "quote",
        "row",
        "cell",
        "graphic",
    ]
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
# lxml.html's parser, every element an HtmlElement decided in C (its own class lookup is a
# Python call per element).
_PARSER = html.HTMLParser()
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=html.HtmlElement,
        comment=html.HtmlComment,
        pi=html.HtmlProcessingInstruction,
        entity=html.HtmlEntity,
    )
)


def element_text(root: etree._Element) -> str:
    """Text of ``root`` and its descendants, one line per block element."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        block = tag.lower() in BLOCKS
        if block:
            parts.append("\n")
        if tag and node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (an empty or unparsable one gives "")."""
    if not fragment or not fragment.strip():
        return ""
    try:
        root = html.fragment_fromstring(fragment, create_parent="div", parser=_PARSER)
    except (etree.ParserError, ValueError):
        return ""
    for junk in root.xpath("//script|//style|//noscript|//template"):
        junk.drop_tree()
    return element_text(root)
