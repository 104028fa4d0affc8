"""Decode a feed or OPML document to text (``newsmirror.text.charsets`` weighs the evidence).

Feeds are then handed on as UTF-8 with a declaration that says so, so that no later parser can
decode them a second, different way.
"""

from __future__ import annotations

import re

from newsmirror.text.charsets import decode, header_charset

_XML_DECL_ENCODING = re.compile(
    rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']"""
)
_XML_DECL = re.compile(r"^<\?xml\b.*?\?>", re.S)


def declared_charsets(data: bytes, content_type: str | None) -> list[str]:
    """Charset labels in the order they count: HTTP header first, then the XML declaration."""
    labels: list[str] = []
    header = header_charset(content_type)
    if header:
        labels.append(header)
    declaration = _XML_DECL_ENCODING.match(data[:512])
    if declaration:
        labels.append(declaration.group(1).decode("ascii"))
    return labels


def decode_document(data: bytes, content_type: str | None = None) -> str:
    """The document as text: BOM, UTF-8, then the HTTP header and XML declaration labels."""
    return decode(data, declared_charsets(data, content_type))[0]


def as_utf8_xml(text: str) -> bytes:
    """UTF-8 bytes whose XML declaration (if any) says UTF-8.

    Leading white space and a decoded BOM go too: before a declaration they make the document
    not well-formed, which would push feedparser onto its much slower lenient parser.
    """
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith("<?xml"):
        text = _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    return text.encode("utf-8", "replace")
