"""An archive for the reader and site tests: revisions written to the record the way a run
writes them (the index and the search index catch up from the record when it is opened)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsmirror.record.log import RecordLog
from newsmirror.record.model import Revision, RevisionKind, iso
from newsmirror.settings.configfile import init_archive
from newsmirror.settings.sources import Source

HOSTILE_TITLE = '<script>alert("t")</script> & "quotes" 标题'
START = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)

SOURCES = (
    Source("美国之音", "voa", "https://www.voachinese.com/api/feed"),
    Source("BBC 中文", "bbc", "https://feeds.bbci.co.uk/zhongwen/simp/rss.xml"),
)


def revision(
    n: int, source: str, title: str, html: str, *, rev: int = 1, day: int = 0, **fields: object
) -> Revision:
    moment = START + timedelta(days=day, hours=n)
    text = "\n".join(part for part in html.replace("<p>", "").split("</p>") if part)
    values: dict[str, object] = {
        "article": f"{source}{n:014d}",
        "rev": rev,
        "source": source,
        "path": f"articles/{source}/{moment:%Y/%m/%d}-story-{n}.md",
        "url": f"https://example.com/{source}/story-{n}.html",
        "guid": None,
        "title": title,
        "published": iso(moment),
        "updated": None,
        "first_seen": iso(moment),
        "fetched": iso(moment + timedelta(hours=rev - 1)),
        "html": html,
        "text": text,
        "hash": f"h{n}-{rev}",
        "authors": ("记者甲",),
        "keys": (f"url:example.com/{source}/story-{n}.html",),
    }
    values.update(fields)
    return Revision(**values)  # type: ignore[arg-type]


def reader_revisions(extra: int = 0) -> list[Revision]:
    first = [
        revision(1, "voa", "中俄关系新动向", "<p>中俄两国领导人会面，普京发表讲话。</p>"),
        revision(2, "voa", "臺灣選舉結果", "<p>臺灣選舉今天揭曉，國民黨表現如何？</p>", day=1),
        revision(3, "bbc", "Climate talks in Baku", "<p>The climate summit opened in Baku.</p>"),
        revision(4, "bbc", HOSTILE_TITLE, '<p>正文 <img src="https://example.com/a.jpg"></p>'),
        revision(5, "voa", "美国大选", "<p>美国大选进入最后阶段。</p>", day=2),
    ]
    first += [
        revision(100 + i, "bbc", f"新闻 {i}", f"<p>第 {i} 条新闻的正文。</p>", day=3 + i % 5)
        for i in range(extra)
    ]
    edited = replace(
        first[0],
        rev=2,
        html="<p>中俄两国领导人会面，普京和习近平发表讲话。</p>",
        text="中俄两国领导人会面，普京和习近平发表讲话。",
        hash="h1-2",
        change=RevisionKind.EDITED,
        fetched=iso(START + timedelta(hours=5)),
    )
    removed = replace(
        first[4],
        rev=2,
        change=RevisionKind.REMOVED,
        evidence={"status": "404", "url": "https://example.com/voa/story-5.html"},
        fetched=iso(START + timedelta(days=3)),
    )
    return [*first, edited, removed]


def make_reader_archive(root: Path, extra: int = 0) -> Path:
    init_archive(root, SOURCES)
    RecordLog(root).append(reader_revisions(extra))
    return root
