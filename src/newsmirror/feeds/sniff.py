"""Cheap looks at a document before parsing it: entity declarations, HTML, JSON.

Entity declarations are refused outright rather than trusted to a parser's settings: a feed has
no business declaring entities, and every XML bomb (billion laughs, quadratic blowup) and every
external-entity attack (``SYSTEM "file:///etc/passwd"``) needs one.
"""

from __future__ import annotations

import re

_DOCTYPE = re.compile(r"<!DOCTYPE", re.I)
# Inside a DOCTYPE: quoted literals, comments and processing instructions may hold "[", "]" or
# ">" that do not end anything, so they are stepped over whole to find where the DOCTYPE ends.
# An unterminated one runs to the end of the text (``\Z``): that keeps the scan linear on hostile
# input (no rescanning from every later quote) and errs towards checking more text.
_DOCTYPE_TOKEN = re.compile(
    r""""[^"]*(?:"|\Z)|'[^']*(?:'|\Z)|<!--.*?(?:-->|\Z)|<\?.*?(?:\?>|\Z)|[\[\]>]""", re.S
)
_ENTITY = re.compile(r"<!ENTITY", re.I)
_FIRST_ELEMENT = re.compile(r"<[A-Za-z_]")

_HTML_ROOTS = frozenset(
    {"html", "head", "body", "meta", "title", "link", "script", "style", "div", "p", "table"}
)
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "rdf", "channel", "opml"})
_PROLOG_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_DOCTYPE_HTML = re.compile(r"<!doctype\s+html\b")
_DOCTYPE_OTHER = re.compile(r"<!doctype[^>]*>")
_TAG_NAME = re.compile(r"<([a-z][\w.:-]*)")


def _doctype_end(text: str, start: int) -> int:
    depth = 0
    for token in _DOCTYPE_TOKEN.finditer(text, start):
        char = token.group()
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        elif char == ">" and depth == 0:
            return token.end()
    return len(text)  # unterminated: the rest of the document counts as part of it


def declares_entities(text: str) -> bool:
    """True if any DOCTYPE in ``text`` declares an entity (general or parameter).

    Every DOCTYPE is checked, not only one in the prolog: lenient parsers (feedparser falls back
    to one on broken XML) may honour a DOCTYPE after leading junk. A DOCTYPE inside CDATA (an
    embedded HTML page) is checked too; only one declaring entities there is a false alarm.
    """
    # feedparser's own lenient path reads entity declarations anywhere before the first element.
    first = _FIRST_ELEMENT.search(text)
    if _ENTITY.search(text, 0, first.start() if first else len(text)):
        return True
    pos = 0
    while (match := _DOCTYPE.search(text, pos)) is not None:
        end = _doctype_end(text, match.end())
        if _ENTITY.search(text, match.end(), end):
            return True
        pos = end  # a DOCTYPE inside this one's extent has just been checked with it
    return False


def _sniff_text(data: bytes) -> str:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace").lower()
    # Markup is ASCII in every encoding a web page may use but UTF-16; latin-1 never fails.
    return head.decode("latin-1").lower().lstrip("\ufeff\xef\xbb\xbf")


def looks_like_html(data: bytes) -> bool:
    """True if ``data`` is a web page rather than a (possibly broken) feed.

    The caller uses it to choose between "look for a feed link in this page" and "this feed is
    broken", so it looks at what the document starts with, not at whether it parses.
    """
    text = _sniff_text(data)
    pos = 0
    while True:
        skip = _PROLOG_SKIP.match(text, pos)
        if skip is not None and skip.end() > pos:
            pos = skip.end()
            continue
        if _DOCTYPE_HTML.match(text, pos):
            return True
        other = _DOCTYPE_OTHER.match(text, pos)
        if other is not None:
            pos = other.end()
            continue
        break
    tag = _TAG_NAME.match(text, pos)
    if tag is not None:
        return tag.group(1) in _HTML_ROOTS
    # Junk before the markup (a PHP warning, stray text): decide by what the markup is.
    if any(f"<{name}" in text for name in _FEED_ROOTS):
        return False
    return "<html" in text or "<head" in text or "<body" in text


def looks_like_json(text: str) -> bool:
    """True if the document starts like JSON (an object or array)."""
    return text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")
