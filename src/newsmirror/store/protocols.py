"""What the rest of newsmirror asks of a store, one protocol per concern.

A store is a cache of the record: everything in it but source state is made from the record by
following it (store.follow), and the state only costs an unconditional fetch when lost. A
backend implements every protocol here (``Store``) and passes tests/store/contract unchanged.

Common to every method:

- It may raise ``StoreError`` (errors.py): ``DamagedCache`` when the store is damaged or is not
  of this version's making, ``DiskFull`` when it cannot be written for want of space, the plain
  class for any other fault (unreachable, unwritable, closed). Never a backend's own exception.
- Articles are named by id (``Revision.article``); sources by abbr. Times are ISO 8601 UTC text
  (as the record has them) or milliseconds since the epoch (``*_ms``).
- An article's time (``time_ms``) is its publication, else when it was first seen. Lists are
  ordered newest first by (time_ms, path), both descending, so equal times keep one order.
- ``limit`` None means no limit; ``offset`` counts rows skipped from the start of that order.
- A write is seen by the next read on the same store; what another process writes is seen
  once it commits (``data_version`` tells a reader that it did).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from newsmirror.record.log import Entry
from newsmirror.store.follow import Follower
from newsmirror.store.model import (
    Change,
    Due,
    Listed,
    Pending,
    Shelved,
    SourceState,
    StoredRevision,
)

if TYPE_CHECKING:
    from newsmirror.store.model import Known


class Articles(Protocol):
    """Articles and their revisions: what ingesting a feed item asks. Every method may raise
    StoreError (DamagedCache, DiskFull) and nothing else."""

    def find(self, keys: Iterable[str]) -> Known | None:
        """The article that the first of ``keys`` known leads to (identity keys: ``url:...``,
        ``guid:...``, ``path:...``, as ``Revision.keys`` holds them); None for none."""
        ...

    def resolve(self, reference: str) -> str | None:
        """The id of the article named by its id, its mirror file's path (a leading ``/`` and
        spaces ignored) or its URL (any variant ``urls.url_key`` makes the same); None."""
        ...

    def path_taken(self, path: str) -> bool:
        """Whether an article has the mirror file ``path``."""
        ...

    def revisions_of(self, article: str) -> list[StoredRevision]:
        """Every revision of ``article``, oldest (rev 1) first; [] for an unknown one."""
        ...

    def all_revisions(self) -> dict[str, list[StoredRevision]]:
        """``revisions_of`` of every article at once (a build asks this of a large archive)."""
        ...

    def changes_since(self, since: str) -> list[Change]:
        """Every revision after the first fetched at or after ``since`` (ISO 8601 UTC), ordered
        by (fetched, article, rev)."""
        ...

    def image_file(self, url: str) -> str | None:
        """The local copy of the image at ``url``, as the latest revision naming it recorded."""
        ...

    def set_feed_hash(self, article: str, feed_hash: str) -> None:
        """Note what the feed said of ``article`` last (``Known.feed_hash``), until its next
        revision; an unknown article is ignored."""
        ...

    def page_failed(self, article: str) -> None:
        """Count a failed fetch or extraction of the article's page (``Known.page_attempts``);
        the count starts again at the next revision. An unknown article is ignored."""
        ...


class SourceStates(Protocol):
    """Per-source fetch state: validators, schedule, errors. Every method may raise
    StoreError (DamagedCache, DiskFull) and nothing else."""

    def source_state(self, abbr: str) -> SourceState:
        """The source's state; ``SourceState(abbr)`` when none was saved."""
        ...

    def save_source_state(self, state: SourceState) -> None:
        """Keep ``state`` for ``state.abbr``, replacing what was kept."""
        ...

    def forget_source(self, abbr: str) -> None:
        """Drop the source's state (its articles stay); nothing happens for an unknown one."""
        ...


class RecheckQueue(Protocol):
    """Which article pages are due another look, and what their last look found. Every
    method may raise StoreError (DamagedCache, DiskFull) and nothing else."""

    def due_checks(
        self, now: float, offsets: Sequence[float], limit: int, sources: Sequence[str]
    ) -> list[Due]:
        """Articles of ``sources`` with a page (a URL) due another look at ``now`` (seconds
        since the epoch), most overdue first, at most ``limit``. The n-th look (n from 0) is
        due ``offsets[n]`` seconds after the article was first seen (an adopted article: after
        it was published; one adopted without a date never is); ``Due.looks`` is n + 1. An
        article whose last offset is further behind it than that offset plus its own length
        (at least a day) is past its schedule and never due again. [] for no offsets or
        sources."""
        ...

    def articles_since(self, source: str, since_ms: int) -> list[str]:
        """The source's articles with a page whose time is ``since_ms`` or later, oldest first
        by (time_ms, path)."""
        ...

    def page_validators(self, article: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of the article's page at its last look; (None, None)."""
        ...

    def checked(
        self, article: str, looks: int, etag: str | None, last_modified: str | None
    ) -> None:
        """Note a look at the page: ``looks`` of its schedule are done (never fewer than were
        noted before) and these are its validators. An unknown article is ignored."""
        ...


class ProjectionLedger(Protocol):
    """Which articles' mirror files show their latest revision. Every method may raise
    StoreError (DamagedCache, DiskFull) and nothing else."""

    def unprojected(self) -> list[Pending]:
        """Articles whose mirror file is behind their latest revision, in record order (by
        record file, then offset)."""
        ...

    def mark_projected(self, articles: Iterable[str]) -> None:
        """Note that the mirror files of ``articles`` show their latest revision (atomic)."""
        ...

    def mark_all_unprojected(self) -> None:
        """Note that every mirror file is to be written again (``rebuild``)."""
        ...


class Browsing(Protocol):
    """What readers browse: lists, days, articles, counts (web reader, static site, status).
    Every method may raise StoreError (DamagedCache, DiskFull) and nothing else."""

    def browse(
        self,
        source: str | None = None,
        start_ms: int | None = None,
        end_ms: int | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Shelved]:
        """Articles newest first, of one source or all, with time in [start_ms, end_ms) when
        given; ``limit`` rows from ``offset``."""
        ...

    def browse_count(
        self, source: str | None = None, start_ms: int | None = None, end_ms: int | None = None
    ) -> int:
        """How many articles ``browse`` has with the same filters and no limit."""
        ...

    def days(self, source: str, offset_ms: int) -> list[tuple[str, int]]:
        """(YYYY-MM-DD, articles) of each day the source has articles, newest day first; days
        in the zone ``offset_ms`` east of UTC."""
        ...

    def shelved(self, reference: str) -> Shelved | None:
        """An article by its id or its mirror file's path (exactly); None."""
        ...

    def listed(self, source: str, limit: int, *, adopted: bool = True) -> list[Listed]:
        """The source's newest ``limit`` articles, ordered as ``browse``; without the adopted
        ones (``Revision.origin``) when ``adopted`` is False."""
        ...

    def sources_with_articles(self) -> list[str]:
        """Every source that has articles, in code point order."""
        ...

    def article_counts(self) -> dict[str, int]:
        """Source -> its articles, for sources that have some."""
        ...

    def summary_only_counts(self) -> dict[str, tuple[int, int]]:
        """Source -> (articles whose body is the feed's summary, how many of them will be tried
        again: fewer than decide.MAX_PAGE_ATTEMPTS failures), for sources with any."""
        ...

    def data_version(self) -> int:
        """A number that changes when another process commits to the store, and only then:
        a reader that keeps something made from the store makes it again when this changes."""
        ...


class Store(
    Articles, SourceStates, RecheckQueue, ProjectionLedger, Browsing, Follower[Entry], Protocol
):
    """The state and article index: every concern above, following the record's entries."""

    def apply(self, batch: Sequence[Entry]) -> None:
        """Take in appended entries (Follower.apply): a later revision of an article replaces
        what browsing, lookups and the ledger show of it, an earlier one only adds to its
        revisions. Two articles with one mirror file (``Revision.path``) raise StoreError,
        and nothing of the batch is taken in."""
        ...


__all__ = [
    "Articles",
    "Browsing",
    "ProjectionLedger",
    "RecheckQueue",
    "SourceStates",
    "Store",
]
