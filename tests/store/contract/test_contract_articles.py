"""The store contract: articles, revisions, and following the record (protocols.Articles,
store.follow)."""

from __future__ import annotations

from newsmirror.store.follow import catch_up
from newsmirror.store.model import Change

from .backends import Harness, revision


def test_an_article_is_found_by_any_of_its_keys(harness: Harness) -> None:
    harness.record(revision(1, keys=("url:example.com/voa/1.html", "guid:voa:1")))
    store = harness.store
    for keys in (["url:example.com/voa/1.html"], ["nothing", "guid:voa:1"]):
        known = store.find(keys)
        assert known is not None
        assert (known.article, known.rev, known.hash, known.source) == (
            "voa-1",
            1,
            "hash-1-1",
            "voa",
        )
        assert known.path == revision(1).path and known.first_seen == revision(1).first_seen
        assert known.feed_hash == "hash-1-1"  # no feed hash recorded: the content hash
        assert (known.summary_only, known.page_attempts) == (False, 0)
    assert store.find(["url:example.com/voa/2.html"]) is None
    assert store.find([]) is None


def test_the_first_key_known_decides(harness: Harness) -> None:
    harness.record(revision(1), revision(2))
    known = harness.store.find(["url:example.com/voa/2.html", "url:example.com/voa/1.html"])
    assert known is not None and known.article == "voa-2"


def test_a_later_revision_is_what_the_store_knows(harness: Harness) -> None:
    harness.record(revision(1, feed_hash="feed-1", summary_only=True))
    harness.store.page_failed("voa-1")
    harness.record(revision(1, rev=2, feed_hash="feed-2"))
    known = harness.store.find(["url:example.com/voa/1.html"])
    assert known is not None
    assert (known.rev, known.hash, known.feed_hash) == (2, "hash-1-2", "feed-2")
    assert (known.summary_only, known.page_attempts) == (False, 0)  # counted afresh


def test_an_older_revision_taken_in_late_changes_nothing_of_the_latest(harness: Harness) -> None:
    harness.record(revision(1, rev=2))
    harness.record(revision(1, rev=1))
    known = harness.store.find(["url:example.com/voa/1.html"])
    assert known is not None and known.rev == 2
    assert [r.rev for r in harness.store.revisions_of("voa-1")] == [1, 2]
    shelved = harness.store.shelved("voa-1")
    assert shelved is not None and shelved.rev == 2 and shelved.title == "Story 1 rev 2"


def test_feed_hash_and_page_failures_are_noted(harness: Harness) -> None:
    harness.record(revision(1, summary_only=True))
    harness.store.set_feed_hash("voa-1", "feed-new")
    harness.store.page_failed("voa-1")
    harness.store.page_failed("voa-1")
    harness.store.set_feed_hash("nobody", "x")  # unknown articles are ignored
    harness.store.page_failed("nobody")
    known = harness.store.find(["url:example.com/voa/1.html"])
    assert known is not None
    assert (known.feed_hash, known.summary_only, known.page_attempts) == ("feed-new", True, 2)


def test_an_article_is_resolved_by_id_path_or_url(harness: Harness) -> None:
    first = revision(1)
    second = revision(2, keys=("url:example.com/voa/1.html", "path:articles/voa/second.md"))
    harness.record(first, revision(2, path="articles/voa/second.md", keys=second.keys))
    store = harness.store
    assert store.resolve("voa-1") == "voa-1"
    assert store.resolve(first.path) == "voa-1"
    assert store.resolve(f" /{first.path} ") == "voa-1"
    assert store.resolve("https://example.com/voa/1.html") == "voa-1"
    assert store.resolve("http://www.example.com/voa/1.html") == "voa-1"  # a variant
    assert store.resolve("articles/voa/second.md") == "voa-2"
    assert store.resolve("voa-3") is None
    assert store.resolve("https://example.com/voa/3.html") is None


def test_paths_taken(harness: Harness) -> None:
    harness.record(revision(1))
    assert harness.store.path_taken(revision(1).path)
    assert not harness.store.path_taken(revision(2).path)


def test_revisions_oldest_first_and_all_at_once(harness: Harness) -> None:
    harness.record(revision(2, rev=1), revision(1, rev=1))
    harness.record(revision(1, rev=3), revision(1, rev=2))
    store = harness.store
    rows = store.revisions_of("voa-1")
    assert [(r.rev, r.fetched, r.change) for r in rows] == [
        (rev, revision(1, rev=rev).fetched, revision(1, rev=rev).change) for rev in (1, 2, 3)
    ]
    assert store.revisions_of("nobody") == []
    assert store.all_revisions() == {"voa-1": rows, "voa-2": store.revisions_of("voa-2")}


def test_a_row_leads_to_its_revision_in_the_record(harness: Harness) -> None:
    entries = harness.record(revision(1), revision(1, rev=2))
    rows = harness.store.revisions_of("voa-1")
    assert [(r.record_file, r.record_offset) for r in rows] == [(e.file, e.offset) for e in entries]
    shelved = harness.store.shelved("voa-1")
    assert shelved is not None
    assert harness.log.read_at(shelved.record_file, shelved.record_offset) == revision(1, rev=2)


def test_changes_since(harness: Harness) -> None:
    harness.record(revision(1), revision(2))
    harness.record(revision(2, rev=2), revision(1, rev=3, change="removed"))
    harness.record(revision(1, rev=2))
    changes = harness.store.changes_since(revision(1).fetched)
    assert all(isinstance(change, Change) for change in changes)
    assert [(c.article, c.rev, c.change) for c in changes] == [
        ("voa-1", 2, "edited"),
        ("voa-2", 2, "edited"),
        ("voa-1", 3, "removed"),
    ]
    late = changes[1]
    assert (late.fetched, late.source, late.path, late.title) == (
        revision(2, rev=2).fetched,
        "voa",
        revision(2).path,
        "Story 2 rev 2",
    )
    assert [c.rev for c in harness.store.changes_since(revision(1, rev=3).fetched)] == [3]
    assert harness.store.changes_since("2100-01-01T00:00:00Z") == []


def test_image_copies(harness: Harness) -> None:
    harness.record(revision(1, images={"https://i.example/a.jpg": "images/a.jpg"}))
    harness.record(revision(2, images={"https://i.example/a.jpg": "images/a2.jpg"}))
    assert harness.store.image_file("https://i.example/a.jpg") == "images/a2.jpg"
    assert harness.store.image_file("https://i.example/b.jpg") is None


def test_positions_follow_the_record(harness: Harness) -> None:
    entries = harness.record(revision(1), revision(2, source="bbc"))
    assert dict(harness.store.positions()) == {e.file: e.end for e in entries}
    assert harness.reopen() == 0  # nothing new


def test_taking_in_the_same_entries_twice_changes_nothing(harness: Harness) -> None:
    entries = harness.record(revision(1), revision(1, rev=2))
    before = (
        harness.store.all_revisions(),
        harness.store.browse(),
        dict(harness.store.positions()),
    )
    harness.store.apply(entries)
    after = (harness.store.all_revisions(), harness.store.browse(), dict(harness.store.positions()))
    assert after == before


def test_what_a_crash_left_unindexed_is_caught_up(harness: Harness) -> None:
    harness.record(revision(1))
    harness.log.append([revision(2), revision(1, rev=2)])  # appended, never handed over
    assert harness.store.find(["url:example.com/voa/2.html"]) is None
    assert harness.reopen() == 2
    assert harness.store.find(["url:example.com/voa/2.html"]) is not None
    assert [r.rev for r in harness.store.revisions_of("voa-1")] == [1, 2]


def test_a_record_that_shrank_is_read_again_from_nothing(harness: Harness) -> None:
    harness.record(revision(1), revision(2))
    harness.store.save_source_state(harness.store.source_state("voa"))
    (file,) = harness.log.files()
    lines = (harness.root / file).read_bytes().splitlines(keepends=True)
    (harness.root / file).write_bytes(lines[0])  # replaced by an older copy, say
    assert catch_up(harness.log, harness.store) == 1
    assert harness.store.find(["url:example.com/voa/2.html"]) is None
    assert harness.store.article_counts() == {"voa": 1}


def test_reset_forgets_the_record_but_not_source_state(harness: Harness) -> None:
    from dataclasses import replace

    harness.record(revision(1))
    state = replace(harness.store.source_state("voa"), etag='"e1"', errors=2)
    harness.store.save_source_state(state)
    harness.store.reset()
    assert dict(harness.store.positions()) == {}
    assert harness.store.find(["url:example.com/voa/1.html"]) is None
    assert harness.store.browse() == [] and harness.store.unprojected() == []
    assert harness.store.source_state("voa") == state
    assert catch_up(harness.log, harness.store) == 1
    assert harness.store.resolve("voa-1") == "voa-1"
