"""Decode an HTML page to text (``newsmirror.charsets`` weighs the evidence).

The labels, in the order they count: the HTTP header's charset, then the page's own
``<meta charset>`` or http-equiv declaration. Characters XML cannot hold (C0 controls other
than tab and line breaks, U+FFFE, U+FFFF), written raw or as character references (``&#8;``),
are taken out: they are no text, and lxml refuses them wherever a later stage copies a string.
"""

from __future__ import annotations

import re

from newsmirror.charsets import decode, header_charset

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_NOT_XML = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
_NOT_XML_CHAR = re.compile(f"[{_NOT_XML}]")
_NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,6})|0*([0-9]{1,7}));?")


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
    text = _NOT_XML_CHAR.sub("", text)
    return _NUMERIC_REFERENCE.sub(_keep_reference, text) if "&#" in text else text


def _keep_reference(match: re.Match[str]) -> str:
    hexadecimal, decimal = match.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    return "" if code < 0x110000 and _NOT_XML_CHAR.match(chr(code)) else match.group()
