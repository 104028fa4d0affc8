"""Small value helpers shared by the feed readers: URLs, HTML <-> text, dates."""

from __future__ import annotations

import calendar
import html
import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from newsmirror.clean.sanitize import clean_line

_WEB_SCHEMES = frozenset({"http", "https"})

# Comments and declarations vanish; a <br> becomes a space so "a<br>b" stays two words; any other
# tag vanishes. The tag pattern needs a letter after "<" so "a < b" in a title survives. An
# unterminated comment or tag runs to the end (\Z), which keeps hostile input linear-time.
_COMMENT_OR_DECL = re.compile(r"<!--.*?(?:-->|\Z)|<![^>]*(?:>|\Z)", re.S)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"</?[A-Za-z][^>]*(?:>|\Z)")
_BLANK_LINES = re.compile(r"\n\s*\n")
_RFC822_YEAR = re.compile(r"\d{1,2}\s+[A-Za-z]{3}\s+(\d+)")


def resolve_url(base: str | None, ref: object) -> str | None:
    """Resolve ``ref`` against ``base``; None unless the result is an http(s) URL.

    Feeds carry javascript:, data: and mailto: links; none of those is an article or an image.
    """
    if not isinstance(ref, str):
        return None
    ref = ref.strip()
    if not ref:
        return None
    try:
        url = urljoin(base, ref) if base else ref
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # e.g. a malformed IPv6 host: treat as no link rather than fail the feed
        return None
    return url if scheme in _WEB_SCHEMES else None


def is_web_url(value: str) -> bool:
    """True for an absolute http(s) URL."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _WEB_SCHEMES and bool(parts.netloc)


def html_to_text(markup: str) -> str:
    """Text of an HTML fragment (titles only: small, so a regex is enough and fast).

    White space is left as given; the caller normalizes it.
    """
    if "<" in markup:
        markup = _TAG.sub("", _BREAK.sub(" ", _COMMENT_OR_DECL.sub("", markup)))
    return html.unescape(markup) if "&" in markup else markup


def text_to_html(text: str) -> str:
    """Plain text as HTML: escaped, blank-line paragraphs as <p>, single newlines as <br>."""
    escaped = html.escape(text.strip("\n"), quote=False)
    if "\n" not in escaped:
        return escaped
    paragraphs = (p.strip("\n").replace("\n", "<br>") for p in _BLANK_LINES.split(escaped))
    return "".join(f"<p>{p}</p>" for p in paragraphs if p.strip())


def utc_from_struct(value: object) -> datetime | None:
    """feedparser's ``*_parsed`` (a UTC struct_time) as an aware datetime; None if unusable."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        # timegm copes with tm_sec=60 and other oddities that datetime(*value[:6]) rejects.
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def utc_from_string(value: object) -> datetime | None:
    """An RFC 3339 date (JSON Feed), or failing that an RFC 822 one, as aware UTC; else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:  # feeds written by hand sometimes use RSS-style dates in JSON
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        # RFC 822 reads a year under 100 as two digits: "0000" would be 2000, not "no date".
        year = _RFC822_YEAR.search(text)
        if year and len(year[1]) > 2 and int(year[1]) != parsed.year:
            return None
    if parsed.tzinfo is None:  # no zone given: UTC is the only defensible reading
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def unique(values: list[str]) -> tuple[str, ...]:
    """Non-empty values cleaned as titles are (``clean_line``), first occurrence kept, in
    order."""
    seen: dict[str, None] = {}
    for value in values:
        value = clean_line(value)
        if value:
            seen.setdefault(value, None)
    return tuple(seen)
