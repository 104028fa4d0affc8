"""Decode an HTML page to text (``newsmirror.charsets`` weighs the evidence).

The labels, in the order they count: the HTTP header's charset, then the page's own
``<meta charset>`` or http-equiv declaration.
"""

from __future__ import annotations

import re

from newsmirror.charsets import decode, header_charset

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)


def meta_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii", "replace") if found else None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The page as text and the codec that decoded it (``replace`` when nothing fitted)."""
    labels = [label for label in (header_charset(content_type), meta_charset(data)) if label]
    return decode(data, labels)
