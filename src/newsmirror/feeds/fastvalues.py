"""Value rules of the lxml fast path, each one the same as feedparser's (see fastcore).

feedparser exposes none of these functions (only ``feedparser.parse``), so the small ones are
written out here from feedparser 6.0, and dates take the standard library where it is exact
and ``feedparser.parse`` itself otherwise: the fast path must give feedparser's answers, not
better ones. tests/feeds/test_feeds_fast*.py check them against feedparser.parse.
"""

from __future__ import annotations

import contextlib
import html.entities
import io
import re
import time
import urllib.parse
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from xml.sax.saxutils import escape

import feedparser

from newsmirror.feeds.fastrules import C1_AS_CP1252, HTML_ELEMENTS, URI_SCHEMES

__all__ = [
    "XHTML",
    "OddDate",
    "fix_text",
    "looks_like_html",
    "make_safe_absolute_uri",
    "map_content_type",
    "parse_date",
    "parse_odd_dates",
    "start_tag",
    "unwrap_div",
    "urljoin",
]

XHTML = "application/xhtml+xml"

# Windows-1252 characters in the C1 range, which feedparser maps to what they display as.
_C1 = re.compile("[\x80-\x9f]")
_WIDE = re.compile("[^\x00-\xff]")

# Only the shapes below go to the standard library; for them it agrees with feedparser's own
# parsers to the second (tests/feeds/test_feeds_fast.py checks). Anything else (two-digit years,
# zones like CET or "+0530" in ISO dates, weekday-less oddities) is feedparser's call, and
# so are years below 1000: email.utils reads "0021" as 2021.
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [1-9]\d{3} "
    r"\d{2}:\d{2}(?::\d{2})? (?:GMT|UTC|UT|Z|[ECMP][SD]T|[+-]\d{4})"
)
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?)?"
)
# feedparser's URL join first drops the slashes after "scheme://" that urljoin would keep.
_EXTRA_SLASHES = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_END_TAG_OR_REFERENCE = re.compile(r"</(\w+)>|&#?\w+;")
_TAG = re.compile(r"</?(\w+)")
_REFERENCE = re.compile(r"&(\w+);")


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
            output = output.translate(C1_AS_CP1252)
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


class OddDate:
    """A date in a shape the standard library may read differently from feedparser: it is
    parsed afterwards, with the document's other odd dates, by parse_odd_dates."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value


def parse_date(value: str | None) -> time.struct_time | OddDate | None:
    """feedparser's parse of a date (UTC), by the standard library where that is exact."""
    if not value:
        return None
    try:
        if _ISO.fullmatch(value):
            parsed = datetime.fromisoformat(value)
        elif _RFC822.fullmatch(value):
            parsed = parsedate_to_datetime(value)
        else:
            return OddDate(value)
        if parsed.tzinfo is None:  # no zone (or RFC 2822's "-0000"): feedparser reads UTC
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC).utctimetuple()
    except (ValueError, OverflowError, TypeError, IndexError):
        return OddDate(value)  # out of range and the like: feedparser knows what it does then


def parse_odd_dates(values: list[str]) -> list[time.struct_time | None]:
    """feedparser's parses of dates, through ``feedparser.parse`` (its date parser is not
    public): one small RSS document whose items carry them as pubDate, all in one call."""
    if any(not value.isascii() and fix_text(value) != value for value in values):
        # feedparser would repair such text a second time on the way back
        raise ValueError("a date feedparser would read back differently")
    items = "".join(
        f"<item><pubDate>{escape(value, {chr(13): '&#13;'})}</pubDate></item>" for value in values
    )
    declaration = '<?xml version="1.0" encoding="utf-8"?>'
    document = f'{declaration}<rss version="2.0"><channel>{items}</channel></rss>'.encode()
    entries = dict.get(feedparser.parse(io.BytesIO(document)), "entries") or []
    if len(entries) != len(values):
        raise ValueError("feedparser did not read every date back")
    parsed = [dict.get(entry, "published_parsed") for entry in entries]
    return [value if isinstance(value, time.struct_time) else None for value in parsed]


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


def looks_like_html(text: str) -> bool:
    """Whether feedparser takes plain text for HTML: an end tag or a reference, and only tags
    its sanitizer accepts and entities HTML defines."""
    if not _END_TAG_OR_REFERENCE.search(text):
        return False
    if any(tag.lower() not in HTML_ELEMENTS for tag in _TAG.findall(text)):
        return False
    return all(name in html.entities.entitydefs for name in _REFERENCE.findall(text))


def urljoin(base: str, uri: str) -> str:
    """feedparser's join: urllib's, after extra slashes following "scheme://" are dropped."""
    extra = _EXTRA_SLASHES.match(uri)
    if extra is not None and extra[2]:
        uri = extra[1] + uri[extra.end(2) :]
    if not base:
        return uri  # what urllib.parse.urljoin returns then, without its argument checks
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


def make_safe_absolute_uri(base: str, rel: str | None = None) -> str:
    """feedparser's join for xml:base: "" when the result's scheme is not one it accepts."""
    if not base:
        return rel or ""
    if not rel:
        try:
            scheme = urllib.parse.urlparse(base)[0]
        except ValueError:
            return ""
        return base if not scheme or scheme in URI_SCHEMES else ""
    uri = urljoin(base, rel)
    return uri if uri.strip().split(":", 1)[0] in URI_SCHEMES else ""
