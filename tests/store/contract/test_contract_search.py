"""The search contract: a search index follows the record as the store does, and finds an
article by its latest revision (protocols.SearchStore). Ranking and snippets are the search
tests' concern; this is what every backend must do alike."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsmirror.errors import StoreError
from newsmirror.record.log import RecordLog
from newsmirror.search import SearchQuery
from newsmirror.search.backend import SearchStore
from newsmirror.store.follow import catch_up, follow

from .backends import SEARCH_BACKENDS, SearchBackend, revision


class Searched:
    def __init__(self, backend: SearchBackend, root: Path) -> None:
        self.backend, self.root, self.log = backend, root, RecordLog(root)
        self.index: SearchStore[Any] = backend.open(root)

    def record(self, *revisions: Any) -> None:
        follow(self.index, self.log.append(revisions))

    def found(self, text: str, **filters: Any) -> list[tuple[str, str]]:
        page = self.index.search(SearchQuery(text, **filters))
        return [(hit.article, hit.status) for hit in page.hits]

    def reopen(self) -> int:
        self.index.close()
        self.index = self.backend.open(self.root)
        return catch_up(self.log, self.index)


@pytest.fixture(params=SEARCH_BACKENDS, ids=lambda backend: backend.name)
def searched(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Searched]:
    backend: SearchBackend = request.param
    if backend.in_database is not None:
        backend = backend.in_database(request.getfixturevalue("pg_url"))
    (tmp_path / "archive").mkdir()
    opened = Searched(backend, tmp_path / "archive")
    yield opened
    with contextlib.suppress(StoreError):
        opened.index.close()


def test_the_latest_revision_is_what_is_found(searched: Searched) -> None:
    searched.record(revision(1, title="Putin meets Xi", text="Talks in Moscow"))
    searched.record(revision(2, title="Climate summit", text="Talks in Baku"))
    assert sorted(searched.found("talks")) == [("voa-1", ""), ("voa-2", "")]
    searched.record(revision(1, rev=2, title="Putin meets Modi", text="Talks in Delhi"))
    assert searched.found("moscow") == []
    assert searched.found("delhi") == [("voa-1", "edited")]
    searched.record(revision(2, rev=2, change="removed", title="Climate summit", text="Gone"))
    assert searched.found("summit") == [("voa-2", "removed")]
    assert searched.found("talks", status="removed") == []
    assert searched.found("talks", sources=("bbc",)) == []


def test_it_follows_the_record_like_every_cache(searched: Searched) -> None:
    searched.record(revision(1, title="Putin meets Xi"))
    searched.log.append([revision(2, title="Putin in Baku")])  # never handed over: a crash
    assert searched.reopen() == 1
    assert sorted(searched.found("putin")) == [("voa-1", ""), ("voa-2", "")]
    assert dict(searched.index.positions()) == {
        file: searched.log.size(file) for file in searched.log.files()
    }
    searched.index.reset()
    assert searched.found("putin") == [] and dict(searched.index.positions()) == {}
    assert searched.index.rebuild(searched.log) == 2
    assert len(searched.found("putin")) == 2
    assert searched.reopen() == 0


def test_a_closed_index_raises_store_error(searched: Searched) -> None:
    searched.record(revision(1))
    searched.index.close()
    with pytest.raises(StoreError):
        searched.index.search(SearchQuery("story"))
    with pytest.raises(StoreError):
        searched.record(revision(2))
