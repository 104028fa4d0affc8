"""What a search index does, whichever engine holds it: SQLite's FTS5 in the archive
(``index.SearchIndex``) or PostgreSQL shared by several machines (``postgres.PostgresSearch``).
``SearchBackend`` is what both engines do; ``SearchStore`` what an archive asks of the index
that follows its record (store.follow), as the state cache does.
Both index the same terms (``text``), read the same query language (``query``) and answer with
the same hits; tests/search/test_search_backends.py holds them to it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from newsmirror.record.log import Entry
from newsmirror.record.protocol import Record
from newsmirror.search.model import SearchPage, SearchQuery
from newsmirror.store.follow import Follower, Item


class SearchBackend(Protocol):
    def index(self, entries: Iterable[Entry]) -> None:
        """Add revisions (in any order, in one transaction): each article's document is its
        latest revision, marked edited when any revision was an edit."""

    def delete(self, article: str) -> None:
        """Forget the article's document (nothing happens when there is none)."""

    def search(self, query: SearchQuery) -> SearchPage:
        """The newest matches, ranked by relevance and recency, with snippets."""

    def close(self) -> None: ...


class SearchStore(Follower[Item], Protocol[Item]):
    """The search index: one document per article (its latest revision), following the
    record. Every
    method may raise StoreError (DamagedCache, DiskFull) and nothing else; a query that
    cannot be run is an empty page, not an error."""

    def search(self, query: SearchQuery) -> SearchPage:
        """One page of the articles matching ``query``, as one snapshot of the index."""
        ...

    def rebuild(self, log: Record) -> int:
        """Drop everything and take in the whole record again; returns revisions read."""
        ...
