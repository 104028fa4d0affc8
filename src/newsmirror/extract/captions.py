"""Image captions, read from the page before trafilatura (which drops most of them) cleans it.

A caption is the <figcaption> of the image's <figure>, else an element near the image whose class
says caption, else what a site rule's caption selector finds next to it. Captions are keyed by the
image's path (``body.image_key``) because the body may use another size of the same image.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from newsmirror.extract.body import image_key, join_url
from newsmirror.extract.metadata import clean

_CAPTION_CLASS = re.compile(
    r"caption|credit|img-?desc|image-?desc|photo-?desc|pic-?info|imgtxt", re.I
)
_MAX_CAPTION = 400


def image_source(img: etree._Element) -> str | None:
    """The real source of an <img>: lazy-loading attributes first, then srcset, then src."""
    for attr in ("data-src", "data-original", "data-lazy-src", "data-url", "src"):
        value = img.get(attr)
        if value and not value.startswith("data:"):
            return value.strip()
    srcset = img.get("srcset") or img.get("data-srcset")
    if srcset:
        # The largest candidate: the mirror shows images full width.
        candidates = [c.strip().split(" ") for c in srcset.split(",") if c.strip()]
        return max(candidates, key=_width)[0]
    return None


_IMAGE_URL = re.compile(r"^(https?:)?//\S+\.(jpe?g|png|gif|webp|avif)(\?\S*)?$", re.I)


def figure_source(figure: etree._Element) -> str | None:
    """The picture of a <figure> that holds no <img> yet (a lazy-loading placeholder): its
    schema.org ImageObject id or url, when that is an image's address."""
    candidates = [figure.get("itemid") or ""]
    candidates += [m.get("content") or "" for m in figure.iterfind(".//meta[@itemprop]")]
    for candidate in candidates:
        if _IMAGE_URL.match(candidate.strip()):
            return candidate.strip()
    return None


def _width(candidate: list[str]) -> float:
    try:
        return float(candidate[-1].rstrip("wx")) if len(candidate) > 1 else 0.0
    except ValueError:
        return 0.0


def _text(node: etree._Element) -> str:
    return clean(" ".join(t for t in node.itertext() if isinstance(t, str)))


def _caption_near(
    img: etree._Element,
    extra: list[str],
    labelled: dict[etree._Element, list[etree._Element]],
) -> str:
    node = img
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            return ""
        if parent.tag == "figure":
            caption = parent.find(".//figcaption")
            if caption is not None:
                return _text(caption)
        for child in _labelled(parent, labelled):
            if child is not node:
                return _text(child)
        for selector in extra:
            try:
                hits = parent.xpath(selector)
            except etree.XPathError:
                continue
            for hit in hits if isinstance(hits, list) else []:
                if isinstance(hit, etree._Element) and hit.find(".//img") is None:
                    return _text(hit)
        node = parent
    return ""


def _labelled(
    parent: etree._Element, seen: dict[etree._Element, list[etree._Element]]
) -> list[etree._Element]:
    """The children of ``parent`` whose class or id says caption and that hold no image,
    looked for once per parent: the images of a gallery or a list share their parents."""
    found = seen.get(parent)
    if found is None:
        found = seen[parent] = [
            child
            for child in parent
            if isinstance(child.tag, str)
            and _CAPTION_CLASS.search(f"{child.get('class', '')} {child.get('id', '')}")
            and child.find(".//img") is None
        ]
    return found


def caption_map(tree: etree._Element, base: str | None, selectors: list[str]) -> dict[str, str]:
    captions: dict[str, str] = {}
    labelled: dict[etree._Element, list[etree._Element]] = {}
    for img in tree.iter("img"):
        src = image_source(img)
        if not src:
            continue
        try:
            key = image_key(join_url(base, src) if base else src)
        except ValueError:
            continue
        if captions.get(key):
            continue
        caption = _caption_near(img, selectors, labelled)
        if len(caption) <= _MAX_CAPTION:
            captions[key] = caption
    # A "caption" found next to several different images is a container's shared text (a
    # credit line, a gallery title), not any one image's caption.
    counts = Counter(c for c in captions.values() if c)
    captions = {k: (c if counts[c] == 1 else "") for k, c in captions.items()}
    # <picture> and noscript copies of an image share the caption: index them by every source.
    for figure in tree.iter("figure"):
        caption_el = figure.find(".//figcaption")
        if caption_el is None:
            continue
        caption = _text(caption_el)
        if not caption or len(caption) > _MAX_CAPTION:
            continue
        if figure.find(".//img") is None and (lazy := figure_source(figure)):
            key = image_key(join_url(base, lazy) if base else lazy)
            captions[key] = captions.get(key) or caption
        # An explicit <figcaption> is this figure's caption even when another figure has the
        # same text (two charts of one series), and it covers lazy-loading placeholders too.
        for source in figure.iter("source", "img"):
            urls = [c.strip().split(" ")[0] for c in (source.get("srcset") or "").split(",")]
            if source.tag == "img":
                urls.append(image_source(source) or "")
            for url in urls:
                if not url:
                    continue
                try:
                    key = image_key(join_url(base, url) if base else url)
                except ValueError:
                    continue
                if not captions.get(key):
                    captions[key] = caption
    return captions
