"""The store contract: source state, the re-check queue and the projection ledger
(protocols.SourceStates, RecheckQueue, ProjectionLedger)."""

from __future__ import annotations

from dataclasses import replace

from newsmirror.store.model import Due, Pending, SourceState

from .backends import START, Harness, revision

HOUR = 3600.0
DAY = 86400.0
T0 = START.timestamp()  # article n was first seen n hours after this


def test_a_source_without_state_has_the_empty_state(harness: Harness) -> None:
    assert harness.store.source_state("voa") == SourceState("voa")


def test_source_state_is_kept_whole_and_replaced(harness: Harness) -> None:
    state = SourceState(
        "voa",
        config_url="https://voa.example/",
        feed_url="https://voa.example/feed.xml",
        etag='"abc"',
        last_modified="Tue, 03 Mar 2026 10:00:00 GMT",
        last_attempt="2026-03-03T10:00:00Z",
        last_success="2026-03-03T09:00:00Z",
        last_error="HTTP 503",
        errors=5000,
        next_due=1e300,
        items_seen=42,
        page_error="3 pages failed",
    )
    harness.store.save_source_state(state)
    harness.store.save_source_state(SourceState("bbc", etag="x"))
    assert harness.store.source_state("voa") == state
    assert harness.another().source_state("voa") == state  # committed
    harness.store.save_source_state(replace(state, errors=0, last_error=None))
    assert harness.store.source_state("voa") == replace(state, errors=0, last_error=None)
    assert harness.store.source_state("bbc") == SourceState("bbc", etag="x")


def test_a_source_is_forgotten(harness: Harness) -> None:
    harness.record(revision(1))
    harness.store.save_source_state(SourceState("voa", etag="x"))
    harness.store.forget_source("voa")
    harness.store.forget_source("nobody")
    assert harness.store.source_state("voa") == SourceState("voa")
    assert harness.store.article_counts() == {"voa": 1}  # its articles stay


def test_pages_fall_due_on_their_schedule(harness: Harness) -> None:
    harness.record(revision(1), revision(2))  # first seen at T0 + 1 h and T0 + 2 h
    store, offsets = harness.store, [HOUR, DAY]
    assert store.due_checks(T0 + 2 * HOUR - 1, offsets, 10, ["voa"]) == []
    assert store.due_checks(T0 + 2 * HOUR, offsets, 10, ["voa"]) == [Due("voa-1", 1)]
    due = store.due_checks(T0 + 4 * HOUR, offsets, 10, ["voa"])
    assert due == [Due("voa-1", 1), Due("voa-2", 1)]  # most overdue first
    assert all(isinstance(d, Due) for d in due)
    assert store.due_checks(T0 + 4 * HOUR, offsets, 1, ["voa"]) == [Due("voa-1", 1)]
    assert store.due_checks(T0 + 4 * HOUR, offsets, 10, ["bbc"]) == []
    assert store.due_checks(T0 + 4 * HOUR, [], 10, ["voa"]) == []
    assert store.due_checks(T0 + 4 * HOUR, offsets, 10, []) == []
    store.checked("voa-1", 1, '"e"', None)
    assert store.due_checks(T0 + 4 * HOUR, offsets, 10, ["voa"]) == [Due("voa-2", 1)]
    assert store.due_checks(T0 + HOUR + DAY, offsets, 10, ["voa"]) == [
        Due("voa-2", 1),  # due since T0 + 3 h
        Due("voa-1", 2),  # due since T0 + 1 h + 1 day
    ]
    store.checked("voa-1", 2, None, None)
    store.checked("voa-2", 2, None, None)
    assert store.due_checks(T0 + 3 * DAY, offsets, 10, ["voa"]) == []


def test_pages_past_their_schedule_are_never_due(harness: Harness) -> None:
    harness.record(revision(1))
    # The last look is due a day after; past a day after that, the article is left alone.
    assert harness.store.due_checks(T0 + 2 * DAY, [HOUR, DAY], 10, ["voa"]) == [Due("voa-1", 1)]
    assert harness.store.due_checks(T0 + 3 * DAY, [HOUR, DAY], 10, ["voa"]) == []


def test_articles_without_a_page_or_a_date_are_never_due(harness: Harness) -> None:
    harness.record(
        revision(1, url=None),
        revision(2, origin="adopted", published=None),
        revision(3, origin="adopted"),  # adopted with a date: counted from it
    )
    assert harness.store.due_checks(T0 + 4 * HOUR, [HOUR], 10, ["voa"]) == [Due("voa-3", 1)]


def test_looks_never_go_back(harness: Harness) -> None:
    harness.record(revision(1))
    harness.store.checked("voa-1", 2, None, None)
    harness.store.checked("voa-1", 0, '"v"', "Mon")  # a look outside the schedule
    assert harness.store.due_checks(T0 + 2 * HOUR, [HOUR, HOUR, DAY], 10, ["voa"]) == []
    assert harness.store.due_checks(T0 + DAY + HOUR, [HOUR, HOUR, DAY], 10, ["voa"]) == [
        Due("voa-1", 3)
    ]


def test_page_validators_are_those_of_the_last_look(harness: Harness) -> None:
    harness.record(revision(1))
    assert harness.store.page_validators("voa-1") == (None, None)
    harness.store.checked("voa-1", 1, '"etag"', "Tue, 03 Mar 2026 10:00:00 GMT")
    assert harness.store.page_validators("voa-1") == ('"etag"', "Tue, 03 Mar 2026 10:00:00 GMT")
    harness.store.checked("voa-1", 1, None, None)
    assert harness.store.page_validators("voa-1") == (None, None)
    harness.store.checked("nobody", 1, '"x"', None)  # ignored
    assert harness.store.page_validators("nobody") == (None, None)


def test_articles_since(harness: Harness) -> None:
    harness.record(revision(3), revision(1), revision(2, url=None), revision(4, source="bbc"))
    since = int(T0 * 1000)
    assert harness.store.articles_since("voa", since) == ["voa-1", "voa-3"]
    assert harness.store.articles_since("voa", since + 2 * 3_600_000) == ["voa-3"]
    assert harness.store.articles_since("bbc", since) == ["bbc-4"]
    assert harness.store.articles_since("nobody", since) == []


def test_the_ledger_knows_which_files_are_behind(harness: Harness) -> None:
    entries = harness.record(revision(2), revision(1))
    store = harness.store
    pending = store.unprojected()
    assert pending == [Pending(e.revision.article, e.file, e.offset) for e in entries]
    store.mark_projected([("voa-2", 1), ("voa-1", 1)])
    assert store.unprojected() == []
    (entry,) = harness.record(revision(1, rev=2))
    assert store.unprojected() == [Pending("voa-1", entry.file, entry.offset)]
    store.mark_projected([("voa-1", 2), ("nobody", 1)])
    store.mark_projected([])
    assert store.unprojected() == []
    store.mark_all_unprojected()
    assert [p.article for p in store.unprojected()] == ["voa-2", "voa-1"]


def test_a_file_projected_while_its_article_was_recorded_again_stays_behind(
    harness: Harness,
) -> None:
    # A publisher read revision 1; a worker recorded revision 2 before the publisher noted it.
    harness.record(revision(1))
    (entry,) = harness.record(revision(1, rev=2))
    harness.store.mark_projected([("voa-1", 1)])
    assert harness.store.unprojected() == [Pending("voa-1", entry.file, entry.offset)]
    harness.store.mark_projected([("voa-1", 2)])
    harness.store.mark_projected([("voa-1", 1)])  # late news of an older file moves nothing
    assert harness.store.unprojected() == []
