"""What the pages and the feeds show, as plain data, and the reads they ask for (``Shelves``).

render/ formats and never reads the archive itself: ``newsmirror.archive.library`` answers these
reads from the index and the record (the web reader's library, or the static build's preloaded one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timezone
from typing import Protocol

from newsmirror.record.model import Revision, RevisionKind
from newsmirror.store.model import Shelved

PAGE_SIZE = 30


@dataclass(frozen=True)
class SourceInfo:
    abbr: str
    name: str
    articles: int


@dataclass(frozen=True)
class Shelf:
    """One page of a list of articles, newest first."""

    items: tuple[Shelved, ...]
    page: int  # 1-based
    pages: int  # at least 1, so an empty list still has its first page
    total: int


@dataclass(frozen=True)
class ListPage:
    """A page of a list as readers browse it. The front page (``number`` None) has the newest
    articles; numbered pages count from the oldest, so a numbered page keeps its articles as new
    ones arrive, its address stays a good link, and a site build after a run re-renders only
    the front page and the newest numbered one or two."""

    items: tuple[Shelved, ...]
    number: int | None
    older: int | None  # the page of the next older articles
    newer: int | None  # the page of the next newer articles; None: the front page (or none)


def list_bounds(total: int, number: int | None, size: int) -> tuple[int, int, ListPage] | None:
    """(start, stop) in the newest-first list, and the page without its items; None when there
    is no such page."""
    last = max(1, -(-total // size))
    if number is None:
        older = (total - 1 - size) // size + 1 if total > size else None
        return 0, size, ListPage((), None, older, None)
    if not 1 <= number <= last:
        return None
    start, stop = max(0, total - number * size), total - (number - 1) * size
    return (
        start,
        stop,
        ListPage((), number, number - 1 or None, number + 1 if number < last else None),
    )


@dataclass(frozen=True)
class Version:
    rev: int
    fetched: str
    change: str  # "" (the first), edited, re-extracted, volatile, removed, restored


@dataclass(frozen=True)
class ArticleView:
    shelved: Shelved  # the article as the index knows it (latest revision)
    revision: Revision  # the revision shown: the latest unless an earlier one was asked for
    body: str  # sanitized HTML, images where the archive's image policy puts them
    versions: tuple[Version, ...]  # every revision, oldest first

    @property
    def latest(self) -> bool:
        return self.revision.rev == self.shelved.rev

    @property
    def removal(self) -> Version | None:
        """The removal when the article is gone from its publisher now."""
        last = self.versions[-1]
        return last if last.change == RevisionKind.REMOVED else None


class Shelves(Protocol):
    """The reads of the pages and the feeds."""

    tz: timezone  # the archive's (``[mirror] utc_offset``)

    def sources(self) -> list[SourceInfo]:
        """Sources with articles, in the configuration's order."""
        ...

    def name(self, abbr: str) -> str: ...

    def knows_source(self, abbr: str) -> bool: ...

    def shelf(self, source: str | None = None, page: int = 1, size: int = PAGE_SIZE) -> Shelf:
        """A page of the latest articles (of one source, or all)."""
        ...

    def list_page(self, source: str | None, number: int | None) -> ListPage | None:
        """The front page (``number`` None) or a numbered page of a list (see ListPage)."""
        ...

    def day(self, source: str, day: date) -> tuple[Shelved, ...]: ...

    def days(self, source: str) -> list[tuple[date, int]]: ...

    def article(self, reference: str, rev: int | None = None) -> ArticleView | None:
        """An article by id or mirror path; an earlier revision when ``rev`` is given."""
        ...

    def latest(self, article: Shelved) -> Revision:
        """The revision of ``article`` that the index lists (its latest)."""
        ...

    def body(self, revision: Revision) -> str:
        """The body as pages show it: sanitized, images where the image policy puts them."""
        ...
