"""What readers browse, read from the index and the record: the model behind the web reader,
the static site and their JSON and feeds.

Everything here is a read; pages are computed from the record on demand, so the reader and the
site always show what the record holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from newsmirror.archive.archive import Archive
from newsmirror.clean import sanitize
from newsmirror.record.model import Revision, epoch_ms
from newsmirror.render.alt import with_alt
from newsmirror.render.mirror_format import with_images
from newsmirror.render.paths import article_page
from newsmirror.render.views import (
    PAGE_SIZE,
    ArticleView,
    ListPage,
    Shelf,
    SourceInfo,
    Version,
    list_bounds,
)
from newsmirror.store.model import Shelved, StoredRevision
from newsmirror.text.dateline import without_date_line

DAY_MS = 24 * 3600 * 1000


def source_names(archive: Archive) -> list[tuple[str, str]]:
    """(abbr, list name) of every configured source, then of sources only the record knows."""
    named = [(s.abbr, s.name) for s in archive.settings.sources]
    known = {abbr for abbr, _ in named}
    named += [(abbr, abbr) for abbr in archive.store.sources_with_articles() if abbr not in known]
    return named


class Library:
    """The reads of the pages and the feeds (``render.views.Shelves``), a query each."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.store = archive.store
        self.tz = archive.tz
        self.names = dict(source_names(archive))
        self.offset_ms = round(archive.tz.utcoffset(None).total_seconds() * 1000)

    def sources(self) -> list[SourceInfo]:
        """Sources with articles, in the configuration's order."""
        counts = self.store.article_counts()
        return [
            SourceInfo(abbr, name, counts[abbr])
            for abbr, name in self.names.items()
            if counts.get(abbr)
        ]

    def name(self, abbr: str) -> str:
        return self.names.get(abbr, abbr)

    def knows_source(self, abbr: str) -> bool:
        return abbr in self.names

    def shelf(self, source: str | None = None, page: int = 1, size: int = PAGE_SIZE) -> Shelf:
        """A page of the latest articles (of one source, or all); pages past the end are
        empty and keep their number, so callers can tell "out of range" from "empty"."""
        total = self.store.browse_count(source)
        pages = max(1, -(-total // size))
        items = self.store.browse(source, limit=size, offset=(page - 1) * size) if page > 0 else []
        return Shelf(tuple(items), page, pages, total)

    def list_page(self, source: str | None, number: int | None) -> ListPage | None:
        """The front page (``number`` None) or a numbered page of a list (see ListPage)."""
        bounds = list_bounds(self.store.browse_count(source), number, PAGE_SIZE)
        if bounds is None:
            return None
        start, stop, page = bounds
        items = self.store.browse(source, limit=stop - start, offset=start)
        return replace(page, items=tuple(items))

    def day(self, source: str, day: date) -> tuple[Shelved, ...]:
        start = epoch_ms(datetime(day.year, day.month, day.day, tzinfo=self.archive.tz))
        end = start + int(timedelta(days=1).total_seconds() * 1000)
        return tuple(self.store.browse(source, start, end))

    def days(self, source: str) -> list[tuple[date, int]]:
        return [
            (date.fromisoformat(day), count)
            for day, count in self.store.days(source, self.offset_ms)
        ]

    def article(self, reference: str, rev: int | None = None) -> ArticleView | None:
        """An article by id or mirror path; an earlier revision when ``rev`` is given."""
        shelved = self._shelved(reference)
        if shelved is None:
            return None
        rows = self._revisions(shelved.id)
        chosen = [r for r in rows if r.rev == rev]
        if rev is None:
            revision = self.latest(shelved)
        elif chosen:
            revision = self.archive.read(chosen[0])
        else:
            return None
        versions = tuple(Version(r.rev, r.fetched, r.change) for r in rows)
        return ArticleView(shelved, revision, self.body(revision), versions)

    def latest(self, article: Shelved) -> Revision:
        return self.archive.read(article)

    def _shelved(self, reference: str) -> Shelved | None:
        return self.store.shelved(reference)

    def _revisions(self, article: str) -> list[StoredRevision]:
        return self.store.revisions_of(article)

    def body(self, revision: Revision) -> str:
        # The record holds sanitized HTML already; sanitizing again costs little and keeps a
        # hand-edited or older record from putting markup the allow-list refuses on a page.
        page = article_page(revision.path)
        body = without_date_line(with_images(revision, self.archive.policy, page))
        return sanitize(with_alt(body, revision.title))


BULK_AFTER = 1000  # articles asked for one by one before a PreloadedLibrary reads all revisions


class PreloadedLibrary(Library):
    """The library as the index stands when it is opened, for a reader that holds the archive's
    lock (the static build): every article and revision is read from the index once, and the
    lists, days, day pages and article pages are cut from that in memory instead of one query
    each."""

    def __init__(self, archive: Archive) -> None:
        super().__init__(archive)
        self.everything: tuple[Shelved, ...] = tuple(self.store.browse())
        self.by_source: dict[str, list[Shelved]] = defaultdict(list)
        self.by_day: dict[tuple[str, date], list[Shelved]] = defaultdict(list)
        self.by_reference: dict[str, Shelved] = {}
        self.revisions: dict[str, list[StoredRevision]] | None = None  # read when worth it
        self.asked = 0
        epoch = date(1970, 1, 1)
        for article in self.everything:
            self.by_source[article.source].append(article)
            day = epoch + timedelta(days=(article.time_ms + self.offset_ms) // DAY_MS)
            self.by_day[article.source, day].append(article)
            self.by_reference[article.id] = self.by_reference[article.path] = article

    def _shelved(self, reference: str) -> Shelved | None:
        return self.by_reference.get(reference)

    def _revisions(self, article: str) -> list[StoredRevision]:
        # Reading every revision at once costs as much as some 1,000 queries for one article's:
        # a full build does it, a build after a run keeps to its few articles.
        self.asked += 1
        if self.revisions is None and self.asked > BULK_AFTER:
            self.revisions = self.store.all_revisions()
        if self.revisions is None:
            return super()._revisions(article)
        return self.revisions.get(article, [])

    def shelved(self, source: str | None = None) -> Sequence[Shelved]:
        """Every article (of one source, or all), newest first."""
        return self.everything if source is None else self.by_source.get(source, [])

    def shelf(self, source: str | None = None, page: int = 1, size: int = PAGE_SIZE) -> Shelf:
        shelved = self.shelved(source)
        pages = max(1, -(-len(shelved) // size))
        items = shelved[(page - 1) * size : page * size] if page > 0 else []
        return Shelf(tuple(items), page, pages, len(shelved))

    def list_page(self, source: str | None, number: int | None) -> ListPage | None:
        shelved = self.shelved(source)
        bounds = list_bounds(len(shelved), number, PAGE_SIZE)
        if bounds is None:
            return None
        start, stop, page = bounds
        return replace(page, items=tuple(shelved[start:stop]))

    def day(self, source: str, day: date) -> tuple[Shelved, ...]:
        return tuple(self.by_day.get((source, day), ()))

    def days(self, source: str) -> list[tuple[date, int]]:
        found = [(day, len(items)) for (abbr, day), items in self.by_day.items() if abbr == source]
        return sorted(found, reverse=True)
