"""One revision of one article: the unit the record is made of."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from newsmirror.errors import RecordError

SCHEMA = 1


# Publication times outside this window are typos or placeholders (Go's zero time, year 0000 or
# 9999, a zero Unix time in any zone, so all of 1970-01-01): the mirror treats them as no date.
EARLIEST = datetime(1970, 1, 2, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=2)


def plausible(moment: datetime | None, now: datetime) -> datetime | None:
    """``moment`` if it can be a publication time seen at ``now``, else None."""
    if moment is None or not EARLIEST <= moment <= now + FUTURE_TOLERANCE:
        return None
    return moment


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with a ``Z``; milliseconds only when there are some."""
    m = moment.astimezone(UTC)
    text = f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"
    return f"{text}.{m.microsecond // 1000:03d}Z" if m.microsecond // 1000 else f"{text}Z"


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def epoch_ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


class RevisionKind(StrEnum):
    """What a revision is, written as its value in the record's ``change`` field."""

    FIRST = ""  # the article as first archived
    EDITED = "edited"  # the publisher changed it
    RE_EXTRACTED = "re-extracted"  # a new extractor read the same page differently
    VOLATILE = "volatile"  # the page flips between earlier versions; its edits are no longer kept
    REMOVED = "removed"  # the page is gone (evidence says how we know)
    RESTORED = "restored"  # the page answers again after a removal


# A record's strings to kinds: a dict lookup, as reading the record is a hot path.
KINDS = {kind.value: kind for kind in RevisionKind}


@dataclass(frozen=True)
class Revision:
    """What the archive knows of an article at one time; the record appends these."""

    article: str  # stable id of the article
    rev: int  # 1 for the first version, then 2, 3, ...
    source: str  # abbr of the source that first carried it
    path: str  # the mirror file, relative to the archive root; never changes
    url: str | None
    guid: str | None
    title: str
    published: str | None  # the publisher's time (ISO 8601 UTC), None when unknown
    updated: str | None
    first_seen: str  # when the archive first saw the article
    fetched: str  # when this revision was fetched
    html: str  # the cleaned body, image URLs as published
    text: str
    hash: str  # content hash (record.fingerprint), equal for insignificant differences
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()  # identity keys (url and guid) that lead to this article
    origin: str = "feed"  # feed | adopted
    feed_hash: str | None = None  # hash of the feed item; differs from ``hash`` for page bodies
    summary_only: bool = False  # the body is the feed's summary: the page was not extracted
    extractor: str | None = None  # name and version of what extracted the body from the page
    images: dict[str, str] = field(default_factory=dict)  # image URL -> local copy (local policy)
    change: RevisionKind = RevisionKind.FIRST
    evidence: dict[str, str] = field(default_factory=dict)  # for removed: status, URL, snippet
    # An adopted file's own text: its mirror file stays exactly this while the revision is the
    # latest (written only when there is one, so other lines do not grow).
    original: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # fields of later schema versions

    @property
    def time(self) -> datetime:
        """The article's time in the mirror: publication, else first seen."""
        return parse_iso(self.published or self.first_seen)

    def to_json(self) -> str:
        # Field by field rather than dataclasses.asdict, which deep-copies: this is a hot path.
        data: dict[str, Any] = {"schema": SCHEMA}
        for name in FIELD_NAMES:
            data[name] = getattr(self, name)
        if self.original is not None:
            data["original"] = self.original
        data.update(self.extra)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str | bytes) -> Revision:
        try:
            data = json.loads(line)
            data.pop("schema", None)
            known = {k: v for k, v in data.items() if k in FIELD_NAMES or k == "original"}
            known["images"] = dict(known.get("images") or {})
            known["evidence"] = dict(known.get("evidence") or {})
            if (kind := KINDS.get(known.get("change", ""))) is None:
                raise RecordError(
                    f"unknown revision kind {known['change']!r} (a newer newsmirror wrote it?); "
                    "upgrade newsmirror to read this archive"
                )
            known["change"] = kind
            for name in ("authors", "categories", "keys"):
                known[name] = tuple(known.get(name, ()))
            extra = {k: v for k, v in data.items() if k not in known}
            return cls(**known, extra=extra)
        except (ValueError, TypeError) as error:
            raise RecordError(f"unreadable record line: {error}") from None


FIELD_NAMES = tuple(
    f.name for f in dataclasses.fields(Revision) if f.name not in ("extra", "original")
)
