"""What a search index does, whichever engine holds it: SQLite's FTS5 in the archive
(``index.SearchIndex``) or PostgreSQL shared by several machines (``postgres.PostgresSearch``).
Both index the same terms (``text``), read the same query language (``query``) and answer with
the same hits; tests/search/test_search_backends.py holds them to it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from newsmirror.record.log import Entry
from newsmirror.search.model import SearchPage, SearchQuery


class SearchBackend(Protocol):
    def index(self, entries: Iterable[Entry]) -> None:
        """Add revisions (in any order, in one transaction): each article's document is its
        latest revision, marked edited when any revision was an edit."""

    def delete(self, article: str) -> None:
        """Forget the article's document (nothing happens when there is none)."""

    def search(self, query: SearchQuery) -> SearchPage:
        """The newest matches, ranked by relevance and recency, with snippets."""

    def close(self) -> None: ...
