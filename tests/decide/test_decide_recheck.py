"""What another look at an article's page says: edits, re-extractions, removals, restorations,
volatility, or nothing. Pure: each look is what a fetch gave, handed over as plain data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from newsmirror.clean import ImagePolicy
from newsmirror.decide.intents import Nothing, RecordRevision
from newsmirror.decide.recheck import Look, judge_look, removal_evidence
from newsmirror.extract import EXTRACTOR, Extraction
from newsmirror.prepare.candidates import page_content
from newsmirror.record.model import Revision, RevisionKind

POLICY = ImagePolicy()
NOW = datetime(2024, 6, 1, tzinfo=UTC)
URL = "https://e.com/a/1.html"
FIRST = Extraction(status="ok", html="<p>" + "第一版的正文。" * 30 + "</p>")
SECOND = Extraction(status="ok", html="<p>" + "第二版的正文，改过了。" * 30 + "</p>")


def from_page(extraction: Extraction, rev: int = 1, **changes: object) -> Revision:
    """Revision ``rev`` of an article whose body came from its page, extracted as given."""
    body = page_content(extraction, "标题", None, URL, POLICY)
    revision = Revision(
        article="a1",
        rev=rev,
        source="s",
        path="articles/s/a1.md",
        url=URL,
        guid=None,
        title="标题",
        published=None,
        updated=None,
        first_seen="2024-05-01T00:00:00Z",
        fetched="2024-05-01T00:00:00Z",
        html=body.html,
        text=body.text,
        hash=body.hash,
        feed_hash="v1:the feed's teaser",
        extractor=body.extractor,
    )
    return replace(revision, **changes)  # type: ignore[arg-type]


def page(extraction: Extraction, status: int = 200, url: str = URL) -> Look:
    return Look(status, url, extraction)


def recorded(history: list[Revision], look: Look) -> Revision:
    intent = judge_look(history, look, POLICY, NOW)
    assert isinstance(intent, RecordRevision), intent
    revision = intent.revision
    assert (revision.rev, revision.fetched) == (history[-1].rev + 1, "2024-06-01T00:00:00Z")
    assert (revision.article, revision.path) == (history[-1].article, history[-1].path)
    return revision


def nothing(history: list[Revision], look: Look) -> bool:
    return isinstance(judge_look(history, look, POLICY, NOW), Nothing)


# Edits and re-extractions


def test_the_same_page_is_nothing() -> None:
    assert nothing([from_page(FIRST)], page(FIRST))


def test_an_edited_page_is_an_edit_with_the_new_body() -> None:
    edited = recorded([from_page(FIRST)], page(SECOND))
    assert (edited.change, edited.evidence) == (RevisionKind.EDITED, {})
    assert "第二版" in edited.text and edited.hash == from_page(SECOND).hash
    assert edited.feed_hash == "v1:the feed's teaser"  # the feed's item is not the page's


def test_a_new_extractor_is_a_re_extraction_not_an_edit() -> None:
    older = from_page(FIRST, extractor="newsmirror-extract/1")
    again = recorded([older], page(SECOND))
    assert again.change == RevisionKind.RE_EXTRACTED and again.extractor == EXTRACTOR
    assert again.evidence == {"from": "newsmirror-extract/1"}


def test_a_page_that_failed_to_extract_is_nothing() -> None:
    assert nothing([from_page(FIRST)], page(Extraction(status="no article found")))


def test_a_body_from_the_feed_is_never_compared_with_the_page() -> None:
    """A feed-content body hashes as its feed item; a page extraction differs by method."""
    from_feed = from_page(FIRST)
    from_feed = replace(from_feed, feed_hash=from_feed.hash)
    assert nothing([from_feed], page(SECOND))
    assert nothing([replace(from_page(FIRST), summary_only=True)], page(SECOND))


def test_an_adopted_files_own_text_stays_with_its_first_revision() -> None:
    adopted = from_page(FIRST, origin="adopted", original="---\nold file\n---\n")
    assert recorded([adopted], page(SECOND)).original is None


# Volatility


def test_a_page_that_flips_back_is_marked_volatile_once() -> None:
    history = [from_page(FIRST), from_page(SECOND, rev=2, change=RevisionKind.EDITED)]
    volatile = recorded(history, page(FIRST))
    assert volatile.change == RevisionKind.VOLATILE
    assert volatile.evidence["reason"] == "the page switches between versions it had before"
    assert volatile.hash == history[-1].hash  # marked, not switched back
    history.append(volatile)
    assert nothing(history, page(FIRST))
    assert nothing(history, page(Extraction(status="ok", html="<p>又一个版本。</p>")))


def test_a_volatile_page_is_still_seen_removed() -> None:
    history = [
        from_page(FIRST),
        from_page(SECOND, rev=2, change=RevisionKind.EDITED),
        from_page(SECOND, rev=3, change=RevisionKind.VOLATILE),
    ]
    assert recorded(history, Look(404, URL)).change == RevisionKind.REMOVED


# Removals


def test_404_and_410_are_removals() -> None:
    for status in (404, 410):
        removed = recorded([from_page(FIRST)], Look(status, URL))
        assert removed.change == RevisionKind.REMOVED
        assert removed.evidence == {"status": str(status), "url": URL}
        assert removed.hash == from_page(FIRST).hash  # the body stays what it was


def test_a_failure_is_no_proof_of_removal() -> None:
    for status in (None, 403, 429, 500, 503):
        assert nothing([from_page(FIRST)], Look(status, URL))


def test_a_removal_is_recorded_once() -> None:
    history = [from_page(FIRST), from_page(FIRST, rev=2, change=RevisionKind.REMOVED)]
    assert judge_look(history, Look(404, URL), POLICY, NOW) == Nothing("removed already")
    assert nothing(history, page(Extraction(status="ok"), url="https://e.com/"))


def test_a_redirect_away_from_the_article_is_a_removal() -> None:
    home = recorded([from_page(FIRST)], page(Extraction(status="ok"), url="https://e.com/"))
    assert home.change == RevisionKind.REMOVED
    assert home.evidence["reason"] == "redirected to the home page"
    other = recorded([from_page(FIRST)], page(FIRST, url="https://e.com/topics/world"))
    assert other.evidence["reason"] == "redirected to another page"


def test_a_redirect_to_the_same_article_is_no_removal() -> None:
    assert nothing([from_page(FIRST)], page(FIRST, url="http://e.com/a/1.html?utm_source=x"))


def test_a_short_page_that_says_it_was_taken_down_is_a_removal() -> None:
    notice = Extraction(
        status="ok", html="<p>对不起，该文章已被删除。</p>", text="对不起，该文章已被删除。"
    )
    removed = recorded([from_page(FIRST)], page(notice))
    assert removed.change == RevisionKind.REMOVED and "已被删除" in removed.evidence["snippet"]


def test_a_long_article_that_mentions_a_removal_is_no_removal() -> None:
    text = "报道称，该文章已被删除。" + "其余的正文。" * 400
    assert removal_evidence(URL, 200, URL, text) is None


# Restorations


def removed_after(extraction: Extraction) -> list[Revision]:
    return [from_page(extraction), from_page(extraction, rev=2, change=RevisionKind.REMOVED)]


def test_a_removed_page_that_answers_as_before_is_restored() -> None:
    restored = recorded(removed_after(FIRST), page(FIRST))
    assert (restored.change, restored.evidence) == (RevisionKind.RESTORED, {"status": "200"})
    not_modified = recorded(removed_after(FIRST), Look(304, URL))
    assert (not_modified.change, not_modified.evidence) == (
        RevisionKind.RESTORED,
        {"status": "304"},
    )


def test_a_removed_page_that_answers_changed_is_restored_with_its_new_body() -> None:
    restored = recorded(removed_after(FIRST), page(SECOND))
    assert restored.change == RevisionKind.RESTORED and "第二版" in restored.text


def test_a_removed_page_back_as_an_earlier_version_is_restored_not_volatile() -> None:
    history = [
        from_page(FIRST),
        from_page(SECOND, rev=2, change=RevisionKind.EDITED),
        from_page(SECOND, rev=3, change=RevisionKind.REMOVED),
    ]
    restored = recorded(history, page(FIRST))
    assert restored.change == RevisionKind.RESTORED and restored.hash == history[0].hash


def test_a_removed_feed_body_article_is_restored_when_its_page_answers() -> None:
    from_feed = from_page(FIRST)
    history = [replace(from_feed, feed_hash=from_feed.hash)]
    history.append(replace(history[0], rev=2, change=RevisionKind.REMOVED))
    restored = recorded(history, page(SECOND))
    assert restored.change == RevisionKind.RESTORED and restored.hash == from_feed.hash


def test_not_modified_is_nothing_for_a_page_that_is_there() -> None:
    assert nothing([from_page(FIRST)], Look(304, URL))


# Whatever the pages answer, in whatever order


LOOKS = st.one_of(
    st.sampled_from([None, 403, 404, 410, 429, 500, 503]).map(lambda status: Look(status, URL)),
    st.just(Look(304, URL)),
    st.builds(
        page,
        st.sampled_from(
            [
                FIRST,
                SECOND,
                Extraction(status="ok", html="<p>" + "第三版。" * 40 + "</p>"),
                Extraction(status="no article found"),
                Extraction(status="ok", html="<p>该文章已被删除。</p>", text="该文章已被删除。"),
            ]
        ),
        st.just(200),
        st.sampled_from([URL, "https://e.com/", "https://e.com/other"]),
    ),
)


@given(st.lists(LOOKS, max_size=12), st.booleans())
def test_any_sequence_of_looks_keeps_the_history_sound(looks: list[Look], new: bool) -> None:
    history = [from_page(FIRST, extractor="newsmirror-extract/1" if new else EXTRACTOR)]
    for look in looks:
        intent = judge_look(history, look, POLICY, NOW)
        if look.status not in (200, 304, 404, 410):
            assert isinstance(intent, Nothing)  # no proof of anything
        if isinstance(intent, Nothing):
            continue
        revision = recorded(history, look)
        before = history[-1]
        assert revision.first_seen == before.first_seen and revision.url == before.url
        kinds = (before.change, revision.change)
        assert kinds != (RevisionKind.REMOVED, RevisionKind.REMOVED)
        assert (revision.change == RevisionKind.RESTORED) == (before.change == RevisionKind.REMOVED)
        if any(r.change == RevisionKind.VOLATILE for r in history):
            # A volatile page's body is no longer followed; only removals and returns are.
            assert revision.hash == before.hash
            assert revision.change in (RevisionKind.REMOVED, RevisionKind.RESTORED)
        history.append(revision)
