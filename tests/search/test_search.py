"""The search index over a real record, and `newsmirror search` over real archives."""

from __future__ import annotations

import json
import shutil
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from archive_helpers import make_archive, nm, rss
from newsmirror.archive.archive import SEARCH_FILE, Archive
from newsmirror.errors import ArchiveError
from newsmirror.record.log import RecordLog
from newsmirror.record.model import Revision, RevisionKind, iso, parse_iso
from newsmirror.search import SearchIndex, SearchPage, SearchQuery, searching
from newsmirror.settings.sources import Source
from server import LocalServer, Reply

DAY = "2024-05-01T00:00:00Z"


def revision(
    n: int, title: str, text: str, when: str = DAY, source: str = "voa", **changes: object
) -> Revision:
    made = Revision(
        article=f"{source}-{n}",
        rev=1,
        source=source,
        path=f"articles/{source}/{n}.md",
        url=f"https://{source}.example.com/{n}",
        guid=None,
        title=title,
        published=when,
        updated=None,
        first_seen=when,
        fetched=when,
        html=f"<p>{text}</p>",
        text=text,
        hash=f"h{n}",
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def later(r: Revision, days: int, **changes: object) -> Revision:
    """The next revision of ``r``, fetched ``days`` later."""
    fetched = iso(parse_iso(r.fetched) + timedelta(days=days))
    return replace(r, rev=r.rev + 1, fetched=fetched, **changes)  # type: ignore[arg-type]


class Record:
    """A record and its search index side by side, as an archive keeps them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.log = RecordLog(root)
        self.index = SearchIndex(root / SEARCH_FILE)

    def add(self, *revisions: Revision) -> None:
        self.index.index(self.log.append(revisions))

    def find(self, text: str, **options: object) -> list[str]:
        return [hit.article for hit in self.page(text, **options).hits]

    def page(self, text: str, **options: object) -> SearchPage:
        return self.index.search(SearchQuery(text, **options))  # type: ignore[arg-type]


@pytest.fixture
def record(tmp_path: Path) -> Record:
    return Record(tmp_path)


NEWS = [
    revision(1, "中俄关系新动向", "普京与习近平在北京会谈，双方讨论了俄乌战争。"),
    revision(2, "臺灣選舉結果", "國民黨在臺灣選舉中獲勝，Putin 沒有評論。"),
    revision(3, "G20峰会开幕", "G20峰会在印度举行，各国领导人出席。"),
    revision(4, "美国大选", "候选人在会场中。G20 在印度的峰会也受到关注。"),
    revision(5, "Vladimir Putin speaks", "Putin met Vladimir in Moscow; café talks went on."),
]


def test_terms_too_common_to_count_rank_by_title_then_recency(
    record: Record, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(searching, "COUNT_BUDGET", 0)  # as if in every one of a million
    record.add(
        revision(1, "天气", "今天的新闻提到了选举。", when="2024-05-03T00:00:00Z"),
        revision(2, "选举", "选举，选举，选举结果公布。", when="2024-05-01T00:00:00Z"),
        revision(3, "天气", "昨天的新闻提到了选举。", when="2024-05-02T00:00:00Z"),
        revision(4, "新闻", "没有那个词。", when="2024-05-04T00:00:00Z"),
    )
    assert record.find("选举") == ["voa-2", "voa-1", "voa-3"]
    assert record.find("新闻 选举") == ["voa-1", "voa-3"]
    assert record.find("新闻", sources=("voa",), status="edited") == []


def test_many_articles_of_one_minute_cost_a_look_each(record: Record) -> None:
    """20,000 undated items share a minute; finding each its rowid once walked every full
    minute before it (quadratic). Now the lookups per article are bounded, in one batch and
    across batches, and the rowids still follow the order the articles came in."""
    looks: list[str] = []
    record.index.db.set_trace_callback(
        lambda sql: looks.append(sql) if "max(docid)" in sql else None
    )
    many = [revision(n, f"第{n}条", "没有日期的新闻。") for n in range(3000)]
    record.add(*many[:2000])
    record.add(*many[2000:])
    assert len(looks) <= 2 * len(many)  # before: about 3000**2 / 32 = 280,000
    rows = record.index.db.execute("SELECT article FROM docs ORDER BY docid").fetchall()
    assert [a for (a,) in rows] == [r.article for r in many]


def contents(index: SearchIndex) -> list[tuple[object, ...]]:
    rows = index.db.execute("SELECT * FROM docs ORDER BY docid").fetchall()
    counts = index.db.execute("SELECT * FROM counts WHERE n != 0 ORDER BY key").fetchall()
    terms = index.db.execute("SELECT * FROM vocab ORDER BY 1, 2").fetchall()
    return [*rows, *counts, *terms]


def test_a_rebuilt_index_equals_the_original(record: Record, tmp_path: Path) -> None:
    record.add(*NEWS)
    record.add(later(NEWS[0], 1, change=RevisionKind.EDITED, text="普京与习近平再次会谈。"))
    record.add(later(NEWS[1], 1, change=RevisionKind.REMOVED))
    queries = ["中", "普京", "台湾", "putin", "G20峰会", '"vladimir putin"']
    before = [record.page(q) for q in queries]
    record.index.db.execute("CREATE VIRTUAL TABLE vocab USING fts5vocab(fts, 'instance')")
    original = contents(record.index)
    record.index.close()
    for path in (tmp_path / ".newsmirror").glob("search.sqlite*"):
        path.unlink()
    assert threading.active_count() == 1  # else catch_up would not fork its worker
    for workers in (0, 1):  # in this process and in a worker process
        with SearchIndex(tmp_path / SEARCH_FILE) as again:
            assert again.search(SearchQuery("普京")).hits == ()
            assert again.catch_up(RecordLog(tmp_path), workers=workers) == 7
            again.db.execute("CREATE VIRTUAL TABLE vocab USING fts5vocab(fts, 'instance')")
            assert contents(again) == original
            assert [again.search(p.query) for p in before] == before
            assert again.catch_up(RecordLog(tmp_path)) == 0
            again.rebuild(RecordLog(tmp_path))
            assert [again.search(p.query) for p in before] == before
        (tmp_path / SEARCH_FILE).unlink()


def test_a_record_file_that_shrinks_starts_the_index_over(record: Record, tmp_path: Path) -> None:
    record.add(*NEWS)
    file = tmp_path / RecordLog(tmp_path).files()[0]
    lines = file.read_bytes().splitlines(keepends=True)
    file.write_bytes(b"".join(lines[:2]))  # replaced by an older copy, say
    assert record.index.catch_up(record.log) == 2
    assert record.find("普京") == ["voa-1"] and record.find("G20") == []


def test_an_index_of_another_version_is_rebuilt(record: Record, tmp_path: Path) -> None:
    record.add(*NEWS)
    record.index.db.execute("UPDATE meta SET value = 'old' WHERE key = 'version'")
    record.index.close()
    with pytest.raises(Exception, match="out of date"):
        SearchIndex(tmp_path / SEARCH_FILE, readonly=True)
    with SearchIndex(tmp_path / SEARCH_FILE) as index:
        assert index.search(SearchQuery("普京")).hits == ()
        assert index.catch_up(RecordLog(tmp_path)) == len(NEWS)
    with SearchIndex(tmp_path / SEARCH_FILE, readonly=True) as index:
        assert [h.article for h in index.search(SearchQuery("普京")).hits] == ["voa-1"]
        with pytest.raises(ArchiveError, match="cannot be read or written"):
            index.index(RecordLog(tmp_path).read_all())


# Real archives, through the command line


def story(n: int, body: str, title: str) -> dict[str, str]:
    return {
        "title": title,
        "link": f"https://e.com/a/{n}.html",
        "guid": f"g{n}",
        "pubDate": f"Sat, 0{n} Dec 2021 02:39:03 GMT",
        "description": f"<![CDATA[<p>{body}</p>]]>",
    }


@pytest.fixture
def archive(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_archive(
        tmp_path / "a",
        [
            Source("VOA", "voa", server.url("/voa.xml")),
            Source("RFA", "rfa", server.url("/rfa.xml")),
        ],
        monkeypatch,
    )
    server.route("/voa.xml", Reply(body=rss([story(1, "普京访问北京。", "中俄关系")])))
    server.route("/rfa.xml", Reply(body=rss([story(2, "台灣選舉結束。", "臺灣新聞")])))
    assert nm(root, "run") == 0
    server.route("/voa.xml", Reply(body=rss([story(1, "普京再次访问北京。", "中俄关系")])))
    assert nm(root, "run", "--all") == 0  # the article is edited
    return root


def search_json(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, str]]:
    capsys.readouterr()
    assert nm(root, "search", "--json", *args) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_search_command(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (hit,) = search_json(archive, capsys, "普京")
    assert hit == {
        "article": hit["article"],
        "source": "voa",
        "path": hit["path"],
        "title": "中俄关系",
        "url": "https://e.com/a/1.html",
        "published": "2021-12-01T02:39:03Z",
        "status": "edited",
        "snippet": "普京再次访问北京。",
        "snippet_html": "<mark>普京</mark>再次访问北京。",
    }
    assert hit["path"].startswith("articles/voa/2021/12/01-") and (archive / hit["path"]).is_file()
    assert [h["title"] for h in search_json(archive, capsys, "台湾")] == ["臺灣新聞"]
    assert search_json(archive, capsys, "普京", "--source", "rfa") == []
    assert len(search_json(archive, capsys, "北京", "--status", "edited")) == 1
    assert search_json(archive, capsys, "北京", "--until", "2021-11-30") == []
    assert len(search_json(archive, capsys, "北京", "--since", "2021-12-01")) == 1
    assert len(search_json(archive, capsys, "北京", "--until", "2021-12-01")) == 1
    assert len(search_json(archive, capsys, "中", "--limit", "1")) == 1
    assert search_json(archive, capsys, "--", "-北京") == []
    assert nm(archive, "search", "普京", "台湾") == 0
    out = capsys.readouterr().out
    assert "0 articles" in out
    assert nm(archive, "search", "访问") == 0
    out = capsys.readouterr().out
    assert "1 article" in out and "中俄关系" in out and hit["path"] in out


def test_search_command_errors(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert nm(archive, "search", "普京", "--since", "2021-13-01") == 2
    assert capsys.readouterr().err.strip() == (
        "newsmirror: --since: '2021-13-01' is not a date; give YYYY-MM-DD"
    )
    assert nm(archive, "search", "普京", "--until", "yesterday") == 2
    assert "--until: 'yesterday' is not a date" in capsys.readouterr().err
    assert nm(archive.parent, "search", "普京") == 1
    assert "not a newsmirror archive" in capsys.readouterr().err
    for limit in ("0", "101"):
        with pytest.raises(SystemExit) as refused:
            nm(archive, "search", "普京", "--limit", limit)
        assert refused.value.code == 2
        assert f"argument --limit: give a number from 1 to 100, got '{limit}'" in (
            capsys.readouterr().err
        )
    assert nm(archive, "search", "普京", "--source", "nope", "--source", "voa") == 2
    assert capsys.readouterr().err.strip() == (
        "newsmirror: --source nope: no such source; this archive has rfa, voa"
    )


def test_search_while_a_run_holds_the_archive(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Archive(archive) as writer:  # holds the lock, as a run does
        writer.search.db.execute("BEGIN IMMEDIATE")  # and is in the middle of writing the index
        writer.search.db.execute("DELETE FROM docs")
        assert len(search_json(archive, capsys, "普京")) == 1  # what was committed
        writer.search.db.execute("ROLLBACK")


def test_the_index_is_a_cache_rebuild_and_deletion(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = search_json(archive, capsys, "北京")
    (archive / SEARCH_FILE).unlink()
    assert search_json(archive, capsys, "北京") == before  # caught up on opening
    shutil.copy(archive / SEARCH_FILE, archive / "copy.sqlite")
    assert nm(archive, "rebuild") == 0
    assert search_json(archive, capsys, "北京") == before
