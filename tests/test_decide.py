"""The decision layer: which feed items need their page, and what a change is."""

from __future__ import annotations

from datetime import UTC, datetime

from newsmirror.decide import MAX_PAGE_ATTEMPTS, Known, Verdict, decide, needs_page
from newsmirror.extract.model import Extraction, Image
from newsmirror.feeds import FeedItem
from newsmirror.prepare import page_body


def item(content: str | None = None, summary: str | None = None) -> FeedItem:
    return FeedItem(
        guid=None,
        url="https://e.com/1",
        title="t",
        authors=(),
        published=None,
        updated=None,
        content_html=content,
        summary_html=summary,
        categories=(),
        image=None,
    )


LONG = "正文内容。" * 200


def test_needs_page() -> None:
    assert needs_page("auto", item(summary="<p>短摘要</p>"), "短摘要")
    assert needs_page("auto", item(summary="x"), "一段很长的文字" * 100 + "……")
    assert needs_page("auto", item(summary="x"), LONG[:300] + " 阅读全文")
    assert needs_page("auto", item(content="<p>a</p>", summary="<p>a</p>"), "a")
    assert not needs_page("auto", item(summary="x"), LONG)
    assert not needs_page("auto", item(summary="x"), "第一段\n第二段\n第三段")
    assert not needs_page("auto", item(content="<p>x</p>", summary="<p>s</p>"), LONG)
    assert needs_page("always", item(content="<p>x</p>"), LONG)
    assert not needs_page("never", item(summary="x"), "短")


def known(**changes: object) -> Known:
    values: dict[str, object] = dict(
        article="a", rev=1, hash="h", source="s", path="p", first_seen="t", feed_hash="f"
    )
    values.update(changes)
    return Known(**values)  # type: ignore[arg-type]


def test_decide_compares_like_with_like() -> None:
    assert decide("s", "f", None) is Verdict.NEW
    assert decide("other", "f", known()) is Verdict.OTHER_SOURCE
    assert decide("s", "f", known()) is Verdict.UNCHANGED  # body hash "h" is not compared
    assert decide("s", "g", known()) is Verdict.REVISED
    assert decide("s", "f", known(summary_only=True)) is Verdict.RETRY_PAGE
    tired = known(summary_only=True, page_attempts=MAX_PAGE_ATTEMPTS)
    assert decide("s", "f", tired) is Verdict.UNCHANGED


def test_page_body_has_the_mirror_shape() -> None:
    extraction = Extraction(
        status="ok",
        html="<p>正文</p>",
        published=datetime(2021, 12, 4, 2, 32, 8, tzinfo=UTC),
        lead_image=Image("https://e.com/i.jpg", "说明 <b>"),
    )
    assert page_body(extraction, None) == (
        "<div><i>Sat, 04 Dec 2021 02:32:08 GMT</i></div>"
        '<img src="https://e.com/i.jpg" width="100%">'
        '<div><small style="color: #999;">说明 &lt;b&gt;</small></div><p>正文</p>'
    )
    assert page_body(Extraction(status="ok", html="<p>x</p>"), None) == "<p>x</p>"
