"""The decision layer: which feed items need their page, what a feed item is, the revision
kinds the record holds, and the applier that carries decisions out. Planning and settling feed
items: test_decide_items.py; re-checks of pages: test_decide_recheck.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive_helpers import make_archive
from newsmirror.archive.archive import Archive
from newsmirror.decide.intents import (
    CountPageFailure,
    NoteCheck,
    NoteFeedHash,
    Nothing,
    RecordRevision,
)
from newsmirror.decide.verdict import Verdict, verdict
from newsmirror.errors import RecordError
from newsmirror.extract.model import Extraction, Image
from newsmirror.feeds import FeedItem
from newsmirror.ingest.apply import Tally, apply_intents
from newsmirror.prepare.candidates import page_body
from newsmirror.prepare.fulltext import needs_page
from newsmirror.record.model import Revision, RevisionKind
from newsmirror.settings.sources import Source
from newsmirror.store.model import MAX_PAGE_ATTEMPTS, Known


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


def test_verdict_compares_like_with_like() -> None:
    assert verdict("s", "f", None) is Verdict.NEW
    assert verdict("other", "f", known()) is Verdict.OTHER_SOURCE
    assert verdict("s", "f", known()) is Verdict.UNCHANGED  # body hash "h" is not compared
    assert verdict("s", "g", known()) is Verdict.REVISED
    assert verdict("s", "f", known(summary_only=True)) is Verdict.RETRY_PAGE
    tired = known(summary_only=True, page_attempts=MAX_PAGE_ATTEMPTS)
    assert verdict("s", "f", tired) is Verdict.UNCHANGED
    # Another source's article is left to it even when its page was never extracted.
    assert verdict("other", "f", known(summary_only=True)) is Verdict.OTHER_SOURCE


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


def revision(
    rev: int = 1, change: RevisionKind = RevisionKind.FIRST, **changes: object
) -> Revision:
    values: dict[str, object] = dict(
        article="a1",
        rev=rev,
        source="s",
        path="articles/s/a1.md",
        url="https://e.com/a/1.html",
        guid=None,
        title="标题",
        published=None,
        updated=None,
        first_seen="2024-05-01T00:00:00Z",
        fetched=f"2024-05-0{rev}T00:00:00Z",
        html="<p>正文</p>",
        text="正文",
        hash=f"v1:body{rev}",
        keys=("url://e.com/a/1.html",),
        feed_hash="v1:feed",
        change=change,
    )
    values.update(changes)
    return Revision(**values)  # type: ignore[arg-type]


def test_revision_kinds_keep_their_strings_in_the_record() -> None:
    """The record's ``change`` strings are the kinds' values, byte for byte, both ways."""
    assert [kind.value for kind in RevisionKind] == [
        "",
        "edited",
        "re-extracted",
        "volatile",
        "removed",
        "restored",
    ]
    for kind in RevisionKind:
        line = revision(change=kind).to_json()
        assert json.loads(line)["change"] == kind.value
        assert Revision.from_json(line).change is kind
    old = json.loads(revision().to_json())
    del old["change"]  # a line written before kinds existed
    assert Revision.from_json(json.dumps(old)).change is RevisionKind.FIRST


def test_an_unknown_revision_kind_is_one_line_naming_it() -> None:
    line = revision().to_json().replace('"change":""', '"change":"retracted"')
    with pytest.raises(RecordError, match="unknown revision kind 'retracted'"):
        Revision.from_json(line)


def test_the_applier_records_first_then_notes_the_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_archive(tmp_path, [Source("Site", "s", "https://e.com/feed")], monkeypatch)
    other = revision(article="a2", path="articles/s/a2.md", keys=("url://e.com/a/2.html",))
    with Archive(root) as archive:
        tally = Tally()
        apply_intents(archive, [RecordRevision(revision()), RecordRevision(other)], tally)
        assert (tally.new, tally.revised) == (2, 0)
        edited = revision(2, RevisionKind.EDITED, text="改过的正文")
        apply_intents(
            archive,
            [
                RecordRevision(edited),
                NoteFeedHash("a2", "v1:new teaser"),
                CountPageFailure("a2"),
                CountPageFailure("a2"),
                NoteCheck("a1", 3, '"etag"', None),
                Nothing("the article reads as it did"),
            ],
            tally,
        )
        assert (tally.new, tally.revised) == (2, 1)
        assert tally.revisions == [revision(), other, edited]
        store = archive.store
        assert store.find(["url://e.com/a/1.html"]) == Known(
            "a1", 2, "v1:body2", "s", "articles/s/a1.md", "2024-05-01T00:00:00Z", "v1:feed"
        )
        found = store.find(["url://e.com/a/2.html"])
        assert found is not None
        assert (found.feed_hash, found.page_attempts) == ("v1:new teaser", 2)
        assert store.page_validators("a1") == ('"etag"', None)
    with Archive(root, write=False) as archive:  # what was recorded is in the record
        texts = [entry.revision.text for entry in archive.log.read_all()]
        assert sorted(texts) == ["改过的正文", "正文", "正文"]
