"""The store contract: what a store raises (protocols: StoreError, never a backend's own)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from newsmirror.errors import ArchiveError, DamagedCache, NewsmirrorError, StoreError
from newsmirror.store.follow import catch_up
from newsmirror.store.model import SourceState
from newsmirror.store.protocols import Store

from .backends import Harness, revision

CALLS: dict[str, Callable[[Store], Any]] = {
    "find": lambda s: s.find(["url:example.com/voa/1.html"]),
    "resolve": lambda s: s.resolve("voa-1"),
    "path_taken": lambda s: s.path_taken("x"),
    "revisions_of": lambda s: s.revisions_of("voa-1"),
    "all_revisions": lambda s: s.all_revisions(),
    "changes_since": lambda s: s.changes_since("2000-01-01T00:00:00Z"),
    "image_file": lambda s: s.image_file("https://i.example/a.jpg"),
    "set_feed_hash": lambda s: s.set_feed_hash("voa-1", "x"),
    "page_failed": lambda s: s.page_failed("voa-1"),
    "source_state": lambda s: s.source_state("voa"),
    "save_source_state": lambda s: s.save_source_state(SourceState("voa")),
    "forget_source": lambda s: s.forget_source("voa"),
    "due_checks": lambda s: s.due_checks(0.0, [1.0], 1, ["voa"]),
    "articles_since": lambda s: s.articles_since("voa", 0),
    "page_validators": lambda s: s.page_validators("voa-1"),
    "checked": lambda s: s.checked("voa-1", 1, None, None),
    "unprojected": lambda s: s.unprojected(),
    "mark_projected": lambda s: s.mark_projected([("voa-1", 1)]),
    "mark_all_unprojected": lambda s: s.mark_all_unprojected(),
    "browse": lambda s: s.browse(),
    "browse_count": lambda s: s.browse_count(),
    "days": lambda s: s.days("voa", 0),
    "shelved": lambda s: s.shelved("voa-1"),
    "listed": lambda s: s.listed("voa", 1),
    "sources_with_articles": lambda s: s.sources_with_articles(),
    "article_counts": lambda s: s.article_counts(),
    "summary_only_counts": lambda s: s.summary_only_counts(),
    "data_version": lambda s: s.data_version(),
    "positions": lambda s: s.positions(),
    "reset": lambda s: s.reset(),
}


def test_store_errors_are_archive_errors_of_the_one_tree() -> None:
    assert issubclass(StoreError, ArchiveError) and issubclass(ArchiveError, NewsmirrorError)
    assert issubclass(DamagedCache, StoreError)


@pytest.mark.parametrize("call", CALLS)
def test_every_call_on_a_closed_store_raises_store_error(harness: Harness, call: str) -> None:
    harness.record(revision(1))
    harness.store.close()
    with pytest.raises(StoreError):
        CALLS[call](harness.store)


def test_following_a_closed_store_raises_store_error(harness: Harness) -> None:
    entries = harness.record(revision(1))
    harness.store.close()
    with pytest.raises(StoreError):
        harness.store.apply(entries)
    with pytest.raises(StoreError):
        catch_up(harness.log, harness.store)


def test_a_damaged_store_raises_damaged_cache_when_opened(harness: Harness) -> None:
    harness.record(revision(1))
    harness.store.close()
    harness.backend.damage(harness.root)
    with pytest.raises(DamagedCache):
        harness.store = harness.backend.open(harness.root)


def test_a_failed_batch_takes_in_nothing(harness: Harness) -> None:
    harness.record(revision(1))
    # Two articles with one mirror file: the store refuses the batch half-way through.
    clash = harness.log.append([revision(2), revision(3, path=revision(1).path)])
    with pytest.raises(StoreError):
        harness.store.apply(clash)
    assert harness.store.article_counts() == {"voa": 1}
    assert harness.store.find(["url:example.com/voa/2.html"]) is None
    assert dict(harness.store.positions()) == {clash[0].file: clash[0].offset}
