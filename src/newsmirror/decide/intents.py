"""What a decision asks for. Decisions return these; ``apply.apply_intents`` carries them out,
the one place where a decision reaches the record or the state."""

from __future__ import annotations

from dataclasses import dataclass

from newsmirror.record.model import Revision


@dataclass(frozen=True)
class RecordRevision:
    """Append ``revision`` to the record (and so to the indexes)."""

    revision: Revision


@dataclass(frozen=True)
class NoteFeedHash:
    """The feed's item changed but the article did not: remember the item's new hash, so the
    next run neither records it nor fetches its page again."""

    article: str
    feed_hash: str


@dataclass(frozen=True)
class CountPageFailure:
    """The article's page failed once more; retries stop after ``MAX_PAGE_ATTEMPTS``."""

    article: str


@dataclass(frozen=True)
class NoteCheck:
    """The article's page was looked at again: ``looks`` of its re-check schedule are done, and
    the page's validators are those to send next time."""

    article: str
    looks: int
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Nothing:
    """Nothing to record or remember; ``reason`` says why (for tests and for reading)."""

    reason: str


Intent = RecordRevision | NoteFeedHash | CountPageFailure | NoteCheck | Nothing
