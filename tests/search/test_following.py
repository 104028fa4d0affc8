"""The search index follows what a writer appends: later and in bulk, in another process for a
large pass, and always complete when it is used or the archive is closed."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_search import later, revision

from archive_helpers import make_archive
from newsmirror.archive.archive import SEARCH_FILE, Archive
from newsmirror.record.log import RecordLog
from newsmirror.record.model import Revision
from newsmirror.search import SearchIndex, SearchQuery, following
from newsmirror.settings.sources import Source


def found(index: SearchIndex, text: str) -> list[str]:
    return sorted(hit.article for hit in index.search(SearchQuery(text, limit=100)).hits)


def archive_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_archive(tmp_path / "a", [Source("VOA", "voa", "https://e.example/")], monkeypatch)


def batches(count: int) -> list[list[Revision]]:
    """``count`` batches of three articles each, each batch's minutes before the one before
    it, as a run records sources (each starts again at its newest minute)."""
    return [
        [
            revision(
                10 * k + n, f"第{k}批", f"北京消息 {k}-{n}", when=f"2024-05-0{9 - k}T0{n}:00:00Z"
            )
            for n in range(3)
        ]
        for k in range(count)
    ]


@pytest.mark.parametrize("background", [1_000, 4])
def test_what_was_appended_is_searchable_when_used_and_when_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, background: int
) -> None:
    """Below the threshold the pass indexes in this process; past it, another process does;
    either way a search in the pass, and the index after it, have every article."""
    monkeypatch.setattr(following, "BACKGROUND", background)
    root = archive_of(tmp_path, monkeypatch)
    made = batches(4)
    with Archive(root) as archive:
        for batch in made[:2]:
            archive.append(batch)
        assert len(found(archive.search, "北京")) == 6
        for batch in made[2:]:
            archive.append(batch)
        first = made[0][0]
        archive.append([later(first, 1, title="改了", text="上海消息", html="<p>上海消息</p>")])
    with SearchIndex(root / SEARCH_FILE) as index:
        assert index.catch_up(RecordLog(root)) == 0  # nothing left to take in
        assert len(found(index, "北京")) == 11
        assert found(index, "上海") == [first.article]


def test_the_index_made_in_bulk_is_the_index_made_batch_by_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows written in rowid order at the end of a transaction give every document the same
    rowid, and every search the same answer, as rows written one by one per batch."""
    monkeypatch.setattr(following, "BACKGROUND", 2)
    root = archive_of(tmp_path, monkeypatch)
    with Archive(root) as archive:
        for batch in batches(5):
            archive.append(batch)
    log = RecordLog(tmp_path / "a")
    alone = SearchIndex(tmp_path / "alone.sqlite", root=root)
    for entry in log.read_all():
        alone.index([entry])
    with SearchIndex(root / SEARCH_FILE) as bulk:
        query = "SELECT docid, article, rev, status FROM docs ORDER BY docid"
        assert bulk.db.execute(query).fetchall() == alone.db.execute(query).fetchall()
        for text in ("北京", "消息", "第3批", "北京 -第1批"):
            assert bulk.search(SearchQuery(text)) == alone.search(SearchQuery(text))
    alone.close()


def test_a_pass_that_fails_leaves_the_rest_to_the_next_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(following, "BACKGROUND", 4)
    root = archive_of(tmp_path, monkeypatch)
    made = batches(3)
    with pytest.raises(RuntimeError), Archive(root) as archive:
        for batch in made:
            archive.append(batch)
        raise RuntimeError("the pass failed")
    with Archive(root, write=False) as archive:
        assert len(found(archive.search, "北京")) == 9
