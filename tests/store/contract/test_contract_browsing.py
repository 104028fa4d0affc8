"""The store contract: what readers browse (protocols.Browsing)."""

from __future__ import annotations

from newsmirror.store.model import MAX_PAGE_ATTEMPTS, Listed

from .backends import HOUR_MS, START_MS, Harness, revision


def test_articles_are_browsed_newest_first_and_paged(harness: Harness) -> None:
    harness.record(*(revision(n, source="voa" if n % 3 else "bbc") for n in range(1, 11)))
    # Two articles of the same time: the order is by path, descending, as well.
    harness.record(revision(11, published=revision(10).published, path="articles/voa/0.md"))
    store = harness.store
    everything = store.browse()
    assert [a.id for a in everything] == [
        f"{s}-{n}"
        for n, s in [
            (10, "voa"),
            (11, "voa"),
            (9, "bbc"),
            (8, "voa"),
            (7, "voa"),
            (6, "bbc"),
            (5, "voa"),
            (4, "voa"),
            (3, "bbc"),
            (2, "voa"),
            (1, "voa"),
        ]
    ]
    assert store.browse_count() == 11
    pages = [store.browse(limit=4, offset=start) for start in range(0, 12, 4)]
    assert [a for page in pages for a in page] == everything
    assert store.browse(limit=0) == [] and store.browse(offset=20) == []
    assert [a.id for a in store.browse("bbc")] == ["bbc-9", "bbc-6", "bbc-3"]
    assert store.browse_count("bbc") == 3 and store.browse_count("nobody") == 0
    start, end = START_MS + 3 * HOUR_MS, START_MS + 6 * HOUR_MS  # [start, end)
    assert [a.id for a in store.browse(None, start, end)] == ["voa-5", "voa-4", "bbc-3"]
    assert [a.id for a in store.browse("voa", start)][-2:] == ["voa-5", "voa-4"]
    assert store.browse_count("voa", start, end) == 2
    assert store.browse_count(None, None, end) == 5


def test_an_article_as_readers_see_it(harness: Harness) -> None:
    harness.record(revision(1, summary_only=True), revision(2))
    harness.record(revision(2, rev=2, change="removed"))
    store = harness.store
    gone = store.shelved("voa-2")
    assert gone is not None and gone == store.shelved(revision(2).path)
    assert (gone.source, gone.path, gone.title, gone.url) == (
        "voa",
        revision(2).path,
        "Story 2 rev 2",
        "https://example.com/voa/2.html",
    )
    assert (gone.time_ms, gone.rev, gone.change, gone.removed) == (
        START_MS + 2 * HOUR_MS,
        2,
        "removed",
        True,
    )
    first = store.shelved("voa-1")
    assert first is not None and first.summary_only and not first.removed
    assert store.shelved("nobody") is None


def test_an_article_without_a_date_has_the_time_it_was_first_seen(harness: Harness) -> None:
    harness.record(revision(1, published=None))
    shelved = harness.store.shelved("voa-1")
    assert shelved is not None and shelved.time_ms == START_MS + HOUR_MS


def test_days_in_the_archive_zone(harness: Harness) -> None:
    # START is 12:00 UTC: hours 1-11 are that day, 12 and later the next.
    harness.record(revision(1), revision(2), revision(12), revision(3, source="bbc"))
    assert harness.store.days("voa", 0) == [("2026-03-02", 1), ("2026-03-01", 2)]
    assert harness.store.days("voa", 11 * HOUR_MS) == [("2026-03-02", 3)]
    assert harness.store.days("voa", -14 * HOUR_MS) == [("2026-03-01", 2), ("2026-02-28", 1)]
    assert harness.store.days("nobody", 0) == []


def test_lists_with_and_without_adopted_articles(harness: Harness) -> None:
    harness.record(
        revision(1, origin="adopted"), revision(2), revision(3, summary_only=True), revision(4)
    )
    harness.record(revision(4, rev=2, change="removed"))
    listed = harness.store.listed("voa", 3)
    assert listed == [
        Listed("voa", revision(4).path, "Story 4 rev 2", START_MS + 4 * HOUR_MS, removed=True),
        Listed("voa", revision(3).path, "Story 3 rev 1", START_MS + 3 * HOUR_MS, summary_only=True),
        Listed("voa", revision(2).path, "Story 2 rev 1", START_MS + 2 * HOUR_MS),
    ]
    assert [x.path for x in harness.store.listed("voa", 10)][-1] == revision(1).path
    assert revision(1).path not in [x.path for x in harness.store.listed("voa", 10, adopted=False)]
    assert harness.store.listed("voa", 0) == [] and harness.store.listed("bbc", 5) == []


def test_counts(harness: Harness) -> None:
    harness.record(revision(1, source="zh"), revision(2, source="bbc"), revision(3, source="bbc"))
    harness.record(revision(4, summary_only=True), revision(5, summary_only=True))
    store = harness.store
    assert store.sources_with_articles() == ["bbc", "voa", "zh"]
    assert store.article_counts() == {"bbc": 2, "voa": 2, "zh": 1}
    assert store.summary_only_counts() == {"voa": (2, 2)}
    for _ in range(MAX_PAGE_ATTEMPTS):
        store.page_failed("voa-4")
    assert store.summary_only_counts() == {"voa": (2, 1)}


def test_the_data_version_changes_when_another_process_commits(harness: Harness) -> None:
    reader = harness.another()
    before = reader.data_version()
    assert reader.data_version() == before  # nothing happened
    harness.record(revision(1))
    after = reader.data_version()
    assert after != before
    assert reader.browse_count() == 1  # and what was committed is seen
    assert reader.data_version() == after
