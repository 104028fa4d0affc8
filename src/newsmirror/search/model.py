"""What a search asks and what it answers."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from newsmirror.errors import ConfigError
from newsmirror.record.model import RevisionKind, epoch_ms, iso

# Search filters by these kinds: an article edited at any time, or removed now.
STATUSES = (RevisionKind.EDITED, RevisionKind.REMOVED)
DAY_MS = 86_400_000

# Text and whether it is a match; templates escape each part (``marked_html`` does).
Segments = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class SearchQuery:
    text: str
    sources: tuple[str, ...] = ()  # abbrs; any of them
    since_ms: int | None = None  # articles at or after this time (to the minute)
    until_ms: int | None = None  # articles before this time (to the minute)
    status: str | None = None  # "edited" or "removed"
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class Hit:
    article: str
    source: str
    path: str
    title: str
    url: str | None
    time_ms: int  # the article's time: publication, else first seen
    status: str  # "removed", "edited" or ""
    title_marks: Segments
    snippet: Segments


@dataclass(frozen=True)
class SearchPage:
    query: SearchQuery
    hits: tuple[Hit, ...]
    total: int
    total_is_estimate: bool


def marked_html(segments: Iterable[tuple[str, bool]]) -> str:
    """Segments as HTML: every part escaped, matches in ``<mark>``."""
    return "".join(
        f"<mark>{html.escape(text)}</mark>" if match else html.escape(text)
        for text, match in segments
    )


def plain(segments: Iterable[tuple[str, bool]]) -> str:
    return "".join(text for text, _ in segments)


def hit_json(hit: Hit) -> dict[str, str | None]:
    """A hit as ``search --json`` prints it."""
    return {
        "article": hit.article,
        "source": hit.source,
        "path": hit.path,
        "title": hit.title,
        "url": hit.url,
        "published": iso(datetime.fromtimestamp(hit.time_ms / 1000, UTC)),
        "status": hit.status,
        "snippet": plain(hit.snippet),
        "snippet_html": marked_html(hit.snippet),
    }


def day_start_ms(day: str, option: str, tz: tzinfo, *, days_after: int = 0) -> int:
    """When the day ``day`` (YYYY-MM-DD) starts in ``tz``, ``days_after`` days later.

    Counted in milliseconds, not dates: the day after 9999-12-31 is past ``datetime``'s range."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise ValueError
        start = datetime.combine(date.fromisoformat(day), datetime.min.time(), tz)
    except ValueError:
        raise ConfigError(f"{option}: {day!r} is not a date; give YYYY-MM-DD") from None
    return epoch_ms(start) + days_after * DAY_MS
