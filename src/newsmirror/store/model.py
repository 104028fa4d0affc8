"""The rows a store returns (store.protocols): plain values, the same from every backend.

Rows that stand for a revision carry where its line sits in the record (``record_file``,
``record_offset``); only ``record/`` and ``store/`` (and ``Archive.read``) follow them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Protocol

from newsmirror.record.log import Entry
from newsmirror.record.model import Revision, RevisionKind, epoch_ms, parse_iso

# Failed fetches of one article's page before its feed summary is left to stand.
MAX_PAGE_ATTEMPTS = 5


@dataclass(frozen=True)
class Known:
    """What the index knows of an archived article."""

    article: str
    rev: int
    hash: str
    source: str
    path: str
    first_seen: str
    feed_hash: str  # hash of the feed item behind the latest revision
    summary_only: bool = False  # the page could not be extracted; the feed's summary stands
    page_attempts: int = 0  # page fetches that failed since the last success


class Located(Protocol):
    """A row that points at one revision's line in the record."""

    @property
    def record_file(self) -> str: ...  # relative to the archive root

    @property
    def record_offset(self) -> int: ...  # byte offset of the line


@dataclass(frozen=True)
class SourceState:
    """What the archive keeps of fetching one source (SourceStates)."""

    abbr: str
    config_url: str | None = None  # the configured URL that feed_url was found from
    feed_url: str | None = None  # the feed fetched: config_url itself, or what it links to
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    errors: int = 0
    next_due: float | None = None
    items_seen: int = 0
    page_error: str | None = None  # the last pass's failed article pages (Tally.page_report)


@dataclass(frozen=True)
class Listed:
    """An article as lists and the README show it."""

    source: str
    path: str
    title: str
    time_ms: int
    removed: bool = False
    summary_only: bool = False  # the body is the feed's summary: the page failed


class StoredRevision(NamedTuple):
    """What the index keeps of one revision: its number, when and how it came, where it is."""

    rev: int
    fetched: str
    change: str
    record_file: str
    record_offset: int


class Shelved(NamedTuple):  # a tuple: a build makes one for each article of the archive
    """An article as readers browse it, and where its latest revision sits in the record."""

    id: str
    source: str
    path: str
    title: str
    url: str | None
    time_ms: int  # published, else first seen (ms since the epoch)
    rev: int
    change: str
    record_file: str
    record_offset: int
    summary_only: int  # 1: the body is the feed's summary (the page failed)

    @property
    def removed(self) -> bool:
        return self.change == RevisionKind.REMOVED


class Change(NamedTuple):
    """One recorded revision after the first, for ``changes``."""

    article: str
    rev: int
    fetched: str
    source: str
    path: str
    title: str
    change: str  # edited, removed, restored, ...


class Due(NamedTuple):
    """An article whose page is due another look, and how many looks it will have had."""

    article: str
    looks: int


class Pending(NamedTuple):
    """An article whose mirror file is behind the record, and where its latest revision is."""

    article: str
    record_file: str
    record_offset: int


def schedule_start(revision: Revision) -> int:
    """When an article's re-checks start counting (``due_checks``), in ms: when it was first
    seen; for an adopted article, when it was published (the old archive had it since), and
    never, 0, when its file gave no date: it was there before adoption, nobody knows how long."""
    if revision.origin == "adopted" and not revision.published:
        return 0
    return epoch_ms(parse_iso(revision.first_seen))


def article_row(entry: Entry) -> tuple[object, ...]:
    """An appended revision as the columns of its article's row, in the order every backend's
    articles table takes them (id, source, path, ... record pointer, change, adopted)."""
    r = entry.revision
    return (
        r.article,
        r.source,
        r.path,
        r.rev,
        r.hash,
        r.feed_hash or r.hash,
        r.summary_only,
        r.title,
        r.url,
        epoch_ms(r.time),
        r.first_seen,
        schedule_start(r),
        entry.file,
        entry.offset,
        r.change,
        r.origin == "adopted",
    )


def browse_filter(
    placeholder: str, source: str | None, start_ms: int | None, end_ms: int | None
) -> tuple[str, tuple[object, ...]]:
    """The WHERE clause (empty when nothing is asked) and its values for browsing articles of
    ``source`` in [start_ms, end_ms), with the backend's ``placeholder`` (``?`` or ``%s``)."""
    clauses, values = [], []
    for clause, value in (
        ("source = ", source),
        ("time_ms >= ", start_ms),
        ("time_ms < ", end_ms),
    ):
        if value is not None:
            clauses.append(clause + placeholder)
            values.append(value)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(values)
