"""Decode an HTML page to text, whatever its labels say.

The order of evidence (strongest first): a byte order mark; strict UTF-8 (non-UTF-8 bytes almost
never decode as UTF-8 by accident, so this catches UTF-8 pages labelled gb2312 and the like); the
HTTP header's charset; the page's own <meta charset> / http-equiv declaration; then detection.
GB2312/GBK labels are read as GB18030 and Big5 as Big5-HKSCS, their supersets, so a page that
uses one character outside the labelled set still decodes strictly. This follows
``newsmirror.feeds.encoding`` but does not import it: that package pulls in the feed parsers, and
HTML has its own declaration (<meta>) and none of XML's.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SUPERSETS = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "gb18030": ("gb18030",),
    "big5": ("big5hkscs", "cp950"),
    "big5hkscs": ("big5hkscs", "cp950"),
    "cp950": ("cp950", "big5hkscs"),
    "iso8859_1": ("cp1252", "latin-1"),
    "ascii": ("cp1252", "latin-1"),
}
_ALIASES = {"x-gbk": "gbk", "windows-936": "gbk", "x-big5": "big5", "cn-big5": "big5"}
# Detection is slow on a large page and needs far less than all of it.
_DETECT_SAMPLE = 200_000


def _codecs_for(label: str) -> tuple[str, ...]:
    try:
        name = codecs.lookup(_ALIASES.get(label.lower(), label)).name
    except LookupError:  # an unknown label is no evidence at all
        return ()
    return _SUPERSETS.get(name.replace("-", "_"), (name,))


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def meta_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii", "replace") if found else None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The page as text and the codec that decoded it (``replace`` when nothing fitted)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], codec)
            if text is not None:
                return text, codec
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    header = _HEADER_CHARSET.search(content_type) if content_type else None
    labels = [header.group(1)] if header else []
    meta = meta_charset(data)
    if meta:
        labels.append(meta)
    for label in labels:
        for codec in _codecs_for(label):
            text = _strict(data, codec)
            if text is not None:
                return text, codec
    # Sites cut multi-byte characters in half now and then: a label (or UTF-8) that reads all but
    # a handful of bytes is still the page's encoding, and better evidence than detection.
    for codec in [c for label in labels for c in _codecs_for(label)] + ["utf-8"]:
        text = data.decode(codec, "replace")
        if text.count("\ufffd") <= max(8, len(text) // 2000):
            return text, codec
    for isolation in (["gb18030", "big5hkscs", "utf-8", "cp1252"], None):
        best = charset_normalizer.from_bytes(data[:_DETECT_SAMPLE], cp_isolation=isolation).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, "replace"), best.encoding
    return data.decode("utf-8", "replace"), "replace"
