"""Value rules of the lxml fast path, each one the same as feedparser's (see fastcore).

Where feedparser's own function is cheap and exact it is reused rather than copied (its HTML
guess, URL joining, date parser): the fast path must give feedparser's answers, not better ones.
"""

from __future__ import annotations

import contextlib
import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from xml.sax.saxutils import escape

from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin, make_safe_absolute_uri

__all__ = [
    "NAMESPACES",
    "XHTML",
    "fix_text",
    "looks_like_html",
    "make_safe_absolute_uri",
    "map_content_type",
    "parse_date",
    "start_tag",
    "unwrap_div",
    "urljoin",
]

XHTML = "application/xhtml+xml"
# Namespace URI (lower case) -> feedparser's prefix for it ("" for the feed formats themselves).
NAMESPACES: dict[str, str] = {k.lower(): v for k, v in _FeedParserMixin.namespaces.items()}

looks_like_html = _FeedParserMixin.looks_like_html
urljoin = _urljoin

# Windows-1252 characters in the C1 range, which feedparser maps to what they display as.
_C1 = re.compile("[\x80-\x9f]")
_WIDE = re.compile("[^\x00-\xff]")

# Only the shapes below go to the standard library; for them it agrees with feedparser's own
# parsers to the second (tests/test_feeds_fast.py checks). Anything else (two-digit years,
# named zones like EST, "+0530" without a colon, weekday-less oddities) is feedparser's call.
# Years below 1000 are too: email.utils reads "0021" as 2021.
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [1-9]\d{3} "
    r"\d{2}:\d{2}(?::\d{2})? (?:GMT|UTC|UT|Z|[+-]\d{4})"
)
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?"
)


def fix_text(output: str) -> str:
    """The last steps of feedparser's ``pop``: undo UTF-8 read as Latin-1, map C1 to cp1252."""
    if not output.isascii():  # ASCII survives both steps unchanged: skip the copies
        # Text beyond Latin-1 (CJK...) cannot be mojibake; finding that out by regex is much
        # cheaper than by the exception encode() would raise.
        if not _WIDE.search(output):
            with contextlib.suppress(UnicodeDecodeError):
                output = output.encode("iso-8859-1").decode("utf-8")
        # str.translate is slow on long non-ASCII text; a C1 character is rare, so look first.
        if _C1.search(output):
            output = output.translate(_cp1252)
    return output


def map_content_type(content_type: str) -> str:
    """feedparser's ``map_content_type``: Atom's short names as MIME types."""
    content_type = content_type.lower()
    if content_type in ("text", "plain"):
        return "text/plain"
    if content_type == "html":
        return "text/html"
    if content_type == "xhtml":
        return XHTML
    return content_type


def parse_date(value: str | None) -> time.struct_time | None:
    """feedparser's ``_parse_date`` result, computed by the standard library when that is exact."""
    if not value:
        return None
    try:
        if _ISO.fullmatch(value):
            parsed = datetime.fromisoformat(value)
        elif _RFC822.fullmatch(value):
            parsed = parsedate_to_datetime(value)
        else:
            return _parse(value)
        if parsed.tzinfo is None:  # no zone (or RFC 2822's "-0000"): feedparser reads UTC
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).utctimetuple()
    except (ValueError, OverflowError, TypeError, IndexError):
        return _parse(value)  # out of range and the like: feedparser knows what it does then


def _parse(value: str) -> time.struct_time | None:
    result: Any = _parse_date(value)
    return result if isinstance(result, time.struct_time) else None


def start_tag(local: str, attrs: list[tuple[str, str]]) -> str:
    """A start tag as feedparser writes one into inline XHTML content."""
    quoted = "".join(f' {key}="{escape(value, {chr(34): "&quot;"})}"' for key, value in attrs)
    return f"<{local}{quoted}>"


def unwrap_div(pieces: list[str]) -> list[str]:
    """Atom 1.0 XHTML: drop the one <div> that wraps everything (feedparser's pop)."""
    while len(pieces) > 1 and not pieces[-1].strip():
        del pieces[-1]
    while len(pieces) > 1 and not pieces[0].strip():
        del pieces[0]
    if (
        pieces
        and (pieces[0] == "<div>" or pieces[0].startswith("<div "))
        and pieces[-1] == "</div>"
    ):
        depth = 0
        for piece in pieces[:-1]:
            if piece.startswith("</"):
                depth -= 1
                if depth == 0:
                    return pieces
            elif piece.startswith("<") and not piece.endswith("/>"):
                depth += 1
        return pieces[1:-1]
    return pieces
