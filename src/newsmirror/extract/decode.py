"""Decode an HTML page to text (``newsmirror.text.charsets`` weighs the evidence).

The labels, in the order they count: the HTTP header's charset, then the page's own
``<meta charset>`` or http-equiv declaration. Characters XML cannot hold (C0 controls other
than tab and line breaks, U+FFFE, U+FFFF), written raw or as character references (``&#8;``),
are taken out: they are no text, and lxml refuses them wherever a later stage copies a string.
"""

from __future__ import annotations

import re

from newsmirror.text.charsets import decode, header_charset
from newsmirror.text.xml import xml_text

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# The same characters as references: &#8; &#x1F &#65535; (the semicolon is optional in HTML).
_NOT_XML_REFERENCE = re.compile(
    r"&#(?:0*(?:[0-8]|1[124-9]|2[0-9]|3[01]|6553[45])(?![0-9])"
    r"|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|[fF]{3}[eEfF])(?![0-9a-fA-F]));?"
)


def meta_charset(data: bytes) -> str | None:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii", "replace") if found else None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The page as text and the codec that decoded it (``replace`` when nothing fitted)."""
    labels = [label for label in (header_charset(content_type), meta_charset(data)) if label]
    text, codec = decode(data, labels)
    return xml_safe(text), codec


def xml_safe(text: str) -> str:
    """``text`` without the characters, raw or referenced, that XML cannot hold."""
    text = xml_text(text)
    return _NOT_XML_REFERENCE.sub("", text) if "&#" in text else text
