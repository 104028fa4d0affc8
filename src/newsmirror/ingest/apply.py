"""The one place where decisions reach the archive: intents carried out, what they did counted.

Revisions are appended first, in one batch, and made durable before any state is touched: a
crash in between leaves a state that only makes the next run look again, never a finding lost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsmirror.archive.archive import Archive
from newsmirror.decide.intents import (
    CountPageFailure,
    Intent,
    NoteCheck,
    NoteFeedHash,
    Nothing,
    RecordRevision,
)
from newsmirror.record.model import Revision


@dataclass
class Tally:
    """What one source's items (or the re-checks) did to the archive."""

    seen: int = 0
    new: int = 0
    revised: int = 0
    images_skipped: int = 0  # over the local image policy's caps (images.ImageBudget)
    revisions: list[Revision] = field(default_factory=list)  # what was recorded
    pages: int = 0  # article pages fetched for their full text
    page_failures: Counter[str] = field(default_factory=Counter)  # why pages failed, how often

    def page_report(self) -> str | None:
        """How many pages failed and the commonest reason; None when none did."""
        if not self.page_failures:
            return None
        failed = self.page_failures.total()
        reason, times = self.page_failures.most_common(1)[0]
        return f"{failed} of {self.pages} pages failed, most often {reason} ({times})"


def apply_intents(archive: Archive, intents: Iterable[Intent], tally: Tally) -> None:
    """Carry out ``intents``: record the revisions, then note what the state should remember;
    count in ``tally`` what was recorded."""
    intents = list(intents)
    batch = [intent.revision for intent in intents if isinstance(intent, RecordRevision)]
    if batch:
        archive.append(batch)
    store = archive.store
    for intent in intents:
        match intent:
            case NoteFeedHash(article, feed_hash):
                store.set_feed_hash(article, feed_hash)
            case CountPageFailure(article):
                store.page_failed(article)
            case NoteCheck(article, looks, etag, last_modified):
                store.checked(article, looks, etag, last_modified)
            case RecordRevision() | Nothing():
                pass
    for revision in batch:
        if revision.rev == 1:
            tally.new += 1
        else:
            tally.revised += 1
    tally.revisions.extend(batch)
