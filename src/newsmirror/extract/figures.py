"""Captioned images of the article that the extractor dropped, put back where they stood.

trafilatura (and readability) drop many <figure>s, most often the captioned ones. The page
itself says where each belongs: it follows some paragraph. Walking the page in document order,
each paragraph that the extracted body also holds is an anchor; a captioned image met after an
anchor is inserted into the body right after that anchor's block. Only images between the first
and the last anchor (the main content region the body came from) are considered, and none inside
an aside, a navigation bar or a related/promo box; an image after the last anchor is taken only
when it sits in the same container as the article's paragraphs, not in the page around them.
"""

from __future__ import annotations

import re

from lxml import etree

from newsmirror.extract.body import image_key, join_url, norm
from newsmirror.extract.captions import figure_source, image_source

# Elements whose text is one block of the page: what an extracted block is matched against.
_TEXT_BLOCKS = frozenset(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "td"]
)
# Blocks in trafilatura's body whose text may be one page block.
_BODY_TEXT = ("p", "head", "item", "quote", "cell", "code")
_MIN_KEY = 12
_PREFIX = 32
_HEAD = 256
_OUTSIDE = frozenset(["aside", "nav", "footer", "header", "form"])
_OUTSIDE_CLASS = re.compile(
    r"related|sidebar|promo|recommend|teaser|newsletter|comment|share|social|"
    r"most-?(read|popular)|more-?(stories|articles)|outbrain|taboola|ad-|advert",
    re.I,
)


_STRING = etree.XPath("string()", smart_strings=False)


def _text(node: etree._Element) -> str:
    return str(_STRING(node))  # all the text below ``node``, concatenated in C


def _body_keys(body: etree._Element) -> tuple[dict[str, int], dict[str, int]]:
    exact: dict[str, int] = {}
    prefix: dict[str, int] = {}
    for index, block in enumerate(body):
        # iterdescendants: iter() would yield ``block`` itself again (most blocks are <p>).
        nodes = [block, *block.iterdescendants(*_BODY_TEXT)] if block.tag != "graphic" else []
        for node in nodes:
            key = norm(_text(node))
            if len(key) >= _MIN_KEY:
                exact.setdefault(key, index)
                if len(key) >= _PREFIX:
                    prefix.setdefault(key[:_PREFIX], index)
    return exact, prefix


def _outside(node: etree._Element, stop: etree._Element) -> bool:
    """Whether an ancestor of ``node`` below ``stop`` is page furniture (aside, related...)."""
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in _OUTSIDE:
            return True
        if _OUTSIDE_CLASS.search(f"{parent.get('class', '')} {parent.get('id', '')}"):
            return True
        parent = parent.getparent()
    return False


def _common_ancestor(nodes: list[etree._Element]) -> etree._Element | None:
    if not nodes:
        return None
    path = [*reversed(list(nodes[0].iterancestors())), nodes[0]]
    depth = len(path)
    for node in nodes[1:]:
        chain = set(node.iterancestors())
        chain.add(node)
        while depth and path[depth - 1] not in chain:
            depth -= 1
    return path[depth - 1] if depth else None


def _figure_of(img: etree._Element) -> etree._Element:
    """The element an image stands for: its <figure> (or <picture>) if it has one."""
    node = img
    for _ in range(8):
        parent = node.getparent()
        if parent is None:
            break
        if parent.tag == "figure":
            return parent
        node = parent
    parent = img.getparent()
    return parent if parent is not None and parent.tag == "picture" else img


def restore_figures(
    body: etree._Element,
    page: etree._Element,
    captions: dict[str, str],
    base: str | None,
    skip: str | None = None,
    uncaptioned: bool = False,
) -> int:
    """Insert into ``body`` (trafilatura's vocabulary) the captioned images of ``page`` that it
    lacks, each after the block of the paragraph it follows on the page (with ``uncaptioned``,
    the pictures without a caption too: the body then has none of its own). Returns how many."""
    if not uncaptioned and not any(captions.values()):
        return 0
    exact, prefix = _body_keys(body)
    if not exact:
        return 0
    present = {image_key(_absolute(g.get("src") or "", base)) for g in body.iter("graphic")}
    if skip:
        present.add(skip)
    anchors: list[etree._Element] = []
    # (anchor block index, image src, its figure, its element, anchors seen before it)
    found: list[tuple[int, str, etree._Element, etree._Element, int]] = []
    last = -1
    figures_done: set[etree._Element] = set()
    for node in page.iter(*_TEXT_BLOCKS, "img", "figure"):
        if node.tag == "figure":
            if node.find(".//img") is not None:
                continue  # its <img> is met next
            src = figure_source(node)
        if node.tag in ("img", "figure"):
            src = image_source(node) if node.tag == "img" else src
            if not src or last < 0:
                continue
            absolute = _absolute(src, base)
            key = image_key(absolute)
            figure = _figure_of(node)
            if figure in figures_done or not (uncaptioned or captions.get(key)):
                continue
            figures_done.add(figure)
            if key in present or _shown(figure, present, base):
                continue  # the body has this picture (perhaps in another size or copy)
            present.add(key)
            found.append((last, absolute, figure, node, len(anchors)))
            continue
        index = _block_index(_text(node), exact, prefix)
        if index is not None:
            last = max(last, index)
            anchors.append(node)
    region = _common_ancestor(anchors)
    if region is None:
        return 0
    trailing_ok = region.tag not in ("body", "html")
    blocks = list(body)
    inserted: dict[int, int] = {}
    count = 0
    for index, src, figure, image, seen in found:
        if seen >= len(anchors) and not trailing_ok:
            continue  # after the last paragraph, and the article has no container of its own
        if not _within(figure, region) or _outside(figure, region):
            continue
        graphic = etree.Element("graphic", {"src": src})
        for name in ("width", "height"):
            if img_size := image.get(name):
                graphic.set(name, img_size)
        position = body.index(blocks[index]) + 1 + inserted.get(index, 0)
        body.insert(position, graphic)
        inserted[index] = inserted.get(index, 0) + 1
        count += 1
    return count


def _block_index(raw: str, exact: dict[str, int], prefix: dict[str, int]) -> int | None:
    """The body block whose text (or its first _PREFIX characters) is ``raw``'s, if any."""
    if len(raw) < _MIN_KEY:
        return None  # norm only shortens it
    if len(raw) > _HEAD:
        # A long block (a layout cell, a whole article) matches only if its start does: the
        # start of its key is the key of its start, so the whole text is normalised only then.
        head = norm(raw[:_HEAD])
        if len(head) > _PREFIX + 8 and head[:_PREFIX] not in prefix:
            return None
    key = norm(raw)
    if len(key) < _MIN_KEY:
        return None
    index = exact.get(key)
    if index is None and len(key) >= _PREFIX:
        index = prefix.get(key[:_PREFIX])
    return index


def _shown(figure: etree._Element, present: set[str], base: str | None) -> bool:
    for img in figure.iter("img"):
        src = image_source(img)
        if src and image_key(_absolute(src, base)) in present:
            return True
    return False


def _within(node: etree._Element, region: etree._Element) -> bool:
    return node is region or any(a is region for a in node.iterancestors())


def _absolute(src: str, base: str | None) -> str:
    try:
        return join_url(base, src.strip()) if base else src.strip()
    except ValueError:
        return src
