"""Feed items, decided: what is planned for its page, and what a plan asks of the archive.

Pure functions over plain data: the candidates are made by the real preparation code from
feed items, as a run makes them; nothing here opens an archive.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from newsmirror.clean import ImagePolicy
from newsmirror.decide.intents import CountPageFailure, NoteFeedHash, Nothing, RecordRevision
from newsmirror.decide.items import Planned, plan_items, settle
from newsmirror.decide.verdict import Verdict
from newsmirror.extract import EXTRACTOR, Extraction
from newsmirror.feeds import FeedItem
from newsmirror.prepare.candidates import Candidate, make_candidate, with_page
from newsmirror.record.fingerprint import reading_hash
from newsmirror.record.identity import article_id
from newsmirror.record.model import RevisionKind
from newsmirror.store.model import MAX_PAGE_ATTEMPTS, Known

POLICY = ImagePolicy()
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
PUBLISHED = datetime(2024, 4, 30, 8, 0, tzinfo=UTC)
BODY = "<p>莫斯科今日宣布新的措施。</p><p>官员称此举旨在稳定市场。</p>"
PAGE = Extraction(status="ok", html="<p>" + "完整的文章正文。" * 40 + "</p>", title="页面标题")


def item(
    url: str = "https://e.com/a/1.html",
    title: str = "标题",
    body: str = BODY,
    guid: str | None = None,
    published: datetime | None = PUBLISHED,
) -> FeedItem:
    return FeedItem(
        guid=guid,
        url=url,
        title=title,
        authors=("记者",),
        published=published,
        updated=None,
        content_html=None,
        summary_html=body,
        categories=("国际",),
        image=None,
    )


def candidate(feed_item: FeedItem | None = None, source: str = "s") -> Candidate:
    return make_candidate(source, feed_item or item(), "https://e.com/feed", POLICY, set())


def from_page(made: Candidate, extraction: Extraction = PAGE) -> Candidate:
    """``made`` as it is once its page was fetched (``extraction`` failed or not)."""
    return with_page(replace(made, wants_page=True), extraction, POLICY)


FAILED = Extraction(status="page not fetched: HTTP 503")


def known_of(made: Candidate, rev: int = 1, **changes: object) -> Known:
    """What the index knows after ``made`` was recorded as revision ``rev``."""
    values: dict[str, object] = dict(
        article=article_id(made.keys[0]),
        rev=rev,
        hash=made.hash,
        source="s",
        path="articles/s/2024-04/30/0800-1.md",
        first_seen="2024-04-30T09:00:00Z",
        feed_hash=made.feed_hash,
        summary_only=made.summary_only,
    )
    values.update(changes)
    return Known(**values)  # type: ignore[arg-type]


def settled(plan: Planned, current: Known | None, path: str = "p.md") -> object:
    return settle("s", plan, current, path, POLICY, NOW)


# Planning: which feed items go on to their pages and images


def test_a_new_item_is_planned() -> None:
    made = candidate()
    assert plan_items("s", [(made, None)]) == [Planned(made, None, Verdict.NEW)]


def test_an_unchanged_item_is_not_planned() -> None:
    made = candidate()
    assert plan_items("s", [(made, known_of(made))]) == []


def test_the_feed_hash_is_compared_not_the_body() -> None:
    """An article whose body came from its page is unchanged while its feed item is: the feed's
    teaser is never compared with the page's text."""
    made = candidate()
    page_body = known_of(from_page(made), feed_hash=made.feed_hash)
    assert page_body.hash != made.hash
    assert plan_items("s", [(made, page_body)]) == []


def test_a_changed_feed_item_is_planned_as_revised() -> None:
    made = candidate(item(title="新标题"))
    known = known_of(candidate())
    assert plan_items("s", [(made, known)]) == [Planned(made, known, Verdict.REVISED)]


def test_an_article_owned_by_another_source_is_left_to_it() -> None:
    made = candidate(item(title="新标题"))
    assert plan_items("s", [(made, known_of(candidate(), source="other"))]) == []


def test_a_summary_only_article_is_retried_with_its_page_a_few_times() -> None:
    made = candidate()
    tried = known_of(from_page(made, FAILED), page_attempts=MAX_PAGE_ATTEMPTS - 1)
    (plan,) = plan_items("s", [(made, tried)])
    assert plan.verdict is Verdict.RETRY_PAGE and plan.candidate.wants_page
    tired = replace(tried, page_attempts=MAX_PAGE_ATTEMPTS)
    assert plan_items("s", [(made, tired)]) == []


def test_an_article_listed_twice_is_planned_once() -> None:
    first = candidate()
    again = candidate(item(title="又一次"))
    (plan,) = plan_items("s", [(first, None), (again, None)])
    assert plan.candidate is first


def test_a_second_listing_of_an_unchanged_article_is_no_edit() -> None:
    """One article under its URL and, later in the feed, under another URL with other text: the
    first listing claims it, unchanged, and the second is not taken for an edit."""
    listed = candidate(item(guid="g-1"))
    other_url = candidate(item(url="https://e.com/a/1-print.html", title="x"))
    assert not set(listed.keys) & set(other_url.keys)
    known = known_of(listed)  # the index finds it by either
    assert plan_items("s", [(listed, known), (other_url, known)]) == []


# Settling: what a plan, its page and images fetched, asks of the archive


def test_a_new_article_is_recorded_as_its_first_revision() -> None:
    made = from_page(candidate())
    intent = settled(Planned(made, None, Verdict.NEW), None, "articles/s/new.md")
    assert isinstance(intent, RecordRevision)
    revision = intent.revision
    assert (revision.rev, revision.change, revision.path) == (
        1,
        RevisionKind.FIRST,
        "articles/s/new.md",
    )
    assert revision.article == article_id(made.keys[0])
    assert (revision.first_seen, revision.fetched) == ("2024-05-01T12:00:00Z",) * 2
    assert revision.published == "2024-04-30T08:00:00Z"
    assert (revision.hash, revision.feed_hash) == (made.hash, made.feed_hash)
    assert revision.extractor == EXTRACTOR and not revision.summary_only
    assert (revision.authors, revision.categories) == (("记者",), ("国际",))


def test_a_publication_time_in_the_future_is_no_date() -> None:
    made = candidate(item(published=NOW + timedelta(days=30)))
    intent = settled(Planned(made, None, Verdict.NEW), None)
    assert isinstance(intent, RecordRevision) and intent.revision.published is None


def test_a_new_article_recorded_meanwhile_by_another_feed_is_left() -> None:
    made = candidate()
    other = known_of(made, source="other")
    assert settled(Planned(made, None, Verdict.NEW), other) == Nothing(
        "recorded meanwhile through another feed"
    )


def test_an_edited_title_is_a_revision() -> None:
    before = candidate()
    known = known_of(before, rev=2)
    made = candidate(item(title="改过的标题"))
    intent = settled(Planned(made, known, Verdict.REVISED), known, known.path)
    assert isinstance(intent, RecordRevision)
    revision = intent.revision
    assert (revision.rev, revision.change, revision.title) == (3, RevisionKind.EDITED, "改过的标题")
    assert (revision.article, revision.path) == (known.article, known.path)
    assert revision.first_seen == known.first_seen and revision.fetched == "2024-05-01T12:00:00Z"


def test_an_edited_body_is_a_revision() -> None:
    known = known_of(candidate())
    made = candidate(item(body=BODY.replace("稳定市场", "抑制通胀")))
    intent = settled(Planned(made, known, Verdict.REVISED), known)
    assert isinstance(intent, RecordRevision) and intent.revision.change == RevisionKind.EDITED
    assert "抑制通胀" in intent.revision.text


def test_a_changed_teaser_of_an_unchanged_page_is_remembered_not_recorded() -> None:
    """The feed reworded its teaser; the page, fetched again, reads as before."""
    page_made = from_page(candidate())
    known = known_of(page_made, feed_hash=candidate().feed_hash)
    made = from_page(candidate(item(body="<p>换了一种说法的摘要……</p>")))
    assert made.hash == known.hash and made.feed_hash != known.feed_hash
    intent = settled(Planned(made, known, Verdict.REVISED), known)
    assert intent == NoteFeedHash(known.article, made.feed_hash)


def test_a_page_that_fails_again_is_counted() -> None:
    made = candidate()
    known = known_of(from_page(made, FAILED), page_attempts=2)
    retry = Planned(from_page(made, FAILED), known, Verdict.RETRY_PAGE)
    assert settled(retry, known) == CountPageFailure(known.article)


def test_a_page_that_answers_at_last_replaces_the_summary() -> None:
    made = candidate()
    known = known_of(from_page(made, FAILED), page_attempts=2)
    intent = settled(Planned(from_page(made), known, Verdict.RETRY_PAGE), known)
    assert isinstance(intent, RecordRevision)
    assert not intent.revision.summary_only and intent.revision.rev == 2
    assert "完整的文章正文" in intent.revision.text


def test_a_failed_page_never_replaces_the_body_from_the_page() -> None:
    known = known_of(from_page(candidate()))
    made = from_page(candidate(item(title="新标题")), FAILED)
    assert settled(Planned(made, known, Verdict.REVISED), known) == Nothing(
        "the body from the page stands"
    )


def test_a_changed_summary_of_a_summary_only_article_is_recorded() -> None:
    known = known_of(from_page(candidate(), FAILED))
    made = from_page(candidate(item(body="<p>新的摘要</p>")), FAILED)
    intent = settled(Planned(made, known, Verdict.REVISED), known)
    assert isinstance(intent, RecordRevision) and intent.revision.summary_only
    assert intent.revision.text == "新的摘要"


def test_the_same_text_no_longer_summary_only_is_recorded() -> None:
    """The body did not change, but what it is did: the summary now stands as the article
    (full text set to never), and that is worth a revision."""
    made = candidate()
    known = known_of(made, summary_only=True, feed_hash="the teaser before")
    intent = settled(Planned(made, known, Verdict.REVISED), known)
    assert isinstance(intent, RecordRevision) and not intent.revision.summary_only


def test_an_article_moved_on_meanwhile_is_left() -> None:
    """Another feed recorded a revision while this one's pages were fetched."""
    known = known_of(candidate())
    made = candidate(item(title="新标题"))
    plan = Planned(made, known, Verdict.REVISED)
    assert settled(plan, replace(known, rev=2)) == Nothing(
        "recorded meanwhile through another feed"
    )
    assert settled(plan, None) == Nothing("recorded meanwhile through another feed")


# Adopted articles: their hash is a reading hash, of what a reader reads


def adopted(made: Candidate) -> Known:
    """An article adopted from an old mirror: hashed by what a reader reads, markup aside."""
    hash_ = reading_hash(made.title, made.html, POLICY)
    return known_of(made, hash=hash_, feed_hash=hash_)


def test_a_summary_never_stands_in_for_an_adopted_article() -> None:
    full = candidate(item(body="<p>" + "旧镜像里的全文。" * 50 + "</p>"))
    known = adopted(full)
    made = from_page(candidate(item(body="<p>摘要……</p>")), FAILED)
    intent = settled(Planned(made, known, Verdict.REVISED), known)
    assert intent == NoteFeedHash(known.article, made.feed_hash)


def test_an_adopted_article_that_reads_the_same_is_no_revision() -> None:
    made = candidate(
        item(body="<div>\n<p>莫斯科今日宣布新的措施。</p>\n<p>官员称此举旨在稳定市场。</p></div>")
    )
    known = adopted(candidate())
    assert made.hash != candidate().hash  # other markup, same reading
    intent = settled(Planned(made, known, Verdict.REVISED), known)
    assert intent == NoteFeedHash(known.article, made.feed_hash)


def test_an_adopted_article_that_reads_differently_is_edited() -> None:
    known = adopted(candidate())
    made = candidate(item(body=BODY.replace("新的措施", "新的制裁措施")))
    intent = settled(Planned(made, known, Verdict.REVISED), known)
    assert isinstance(intent, RecordRevision) and intent.revision.change == RevisionKind.EDITED
