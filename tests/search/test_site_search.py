"""The static site's search: the Pagefind shards a build writes, and search.html in Chromium.

The site is served over HTTP on 127.0.0.1 under a sub-path (/news/), with the pages' own CSP, so
the test sees what a reader of a static host sees: relative links, no request to anywhere else,
no inline script, no console error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from browser import Tab
from newsmirror.archive.archive import Archive
from newsmirror.errors import PublishError
from newsmirror.project import search_index
from newsmirror.project.site import build
from newsmirror.record.log import RecordLog
from reader_archive import HOSTILE_TITLE, make_reader_archive, revision
from server import served

PUTIN = revision(6, "voa", "普京访问北京", "<p>俄罗斯总统普京（Vladimir Putin）抵达北京。</p>")
FINAL = re.compile(r"results|Nothing found|failed")


def build_site(root: Path, out: Path, *, search: bool = True) -> None:
    with Archive(root, wait=True) as archive:
        build(archive, out, "", search=search)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The search site's URL: built from the reader archive and one more article."""
    top = tmp_path_factory.mktemp("search")
    root = make_reader_archive(top / "archive", extra=40)
    RecordLog(root).append([PUTIN])
    build_site(root, top / "www" / "news")
    with served(top / "www", "news") as url:
        yield url


def search(tab: Tab, base: str, query: str) -> list[tuple[str, str]]:
    """(title, href) of each result of ``query``."""
    tab.page.goto(f"{base}search.html?q={quote(query)}")
    expect(tab.page.locator("#search-status")).to_have_text(FINAL)
    links = tab.page.locator("#search-results li > a")
    return [(a.inner_text(), str(a.get_attribute("href"))) for a in links.all()]


def status(tab: Tab) -> str:
    return tab.page.locator("#search-status").inner_text()


def test_a_two_character_word_finds_the_article_and_its_link_opens_it(tab: Tab, base: str) -> None:
    hits = search(tab, base, "中俄")
    # Once: the article's earlier version (.v1.html) is not indexed.
    assert hits == [("中俄关系新动向", "articles/voa/2026/11/01-story-1.html")]
    marks = tab.page.locator("#search-results .snippet mark").all_inner_texts()
    assert "中俄" in marks
    assert "美国之音" in tab.page.locator("#search-results .meta").inner_text()
    tab.page.locator("#search-results li > a").click()
    expect(tab.page).to_have_url(f"{base}articles/voa/2026/11/01-story-1.html")
    expect(tab.page.locator("article h1")).to_have_text("中俄关系新动向")


def test_a_longer_phrase_finds_the_article(tab: Tab, base: str) -> None:
    assert search(tab, base, "中俄关系") == [
        ("中俄关系新动向", "articles/voa/2026/11/01-story-1.html")
    ]
    assert "1 篇" in status(tab)


def test_every_word_of_a_mixed_query_must_match(tab: Tab, base: str) -> None:
    # 普京 alone is in two articles; only one also has Putin.
    assert len(search(tab, base, "普京")) == 2
    assert search(tab, base, "普京 Putin") == [
        ("普京访问北京", "articles/voa/2026/11/01-story-6.html")
    ]


def test_traditional_characters_are_found_with_a_traditional_query(tab: Tab, base: str) -> None:
    expected = [("臺灣選舉結果", "articles/voa/2026/11/02-story-2.html")]
    assert search(tab, base, "臺灣選舉") == expected
    assert search(tab, base, "國民黨") == expected


def test_a_query_that_matches_nothing(tab: Tab, base: str) -> None:
    assert search(tab, base, "不存在的词") == []
    assert "Nothing found" in status(tab) and "不存在的词" in status(tab)
    assert search(tab, base, "Putin 臺灣") == []  # each word is somewhere, never together


def test_a_hostile_query_and_a_hostile_title_are_shown_as_text(tab: Tab, base: str) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    assert search(tab, base, hostile) == []
    assert hostile in status(tab)
    assert tab.page.locator("main img, main script").count() == 0
    assert tab.page.locator('input[name="q"]').input_value() == hostile
    hits = search(tab, base, "quotes 标题")
    assert hits == [(HOSTILE_TITLE, "articles/bbc/2026/11/01-story-4.html")]
    assert tab.page.locator("main img, main script").count() == 0


def test_the_search_page_has_no_inline_script(tab: Tab, base: str) -> None:
    search(tab, base, "中俄")
    scripts = tab.page.locator("script")
    assert scripts.count() == 1 and scripts.get_attribute("src") == "static/search.js"
    assert tab.page.locator("script:not([src])").count() == 0
    assert tab.page.locator("html").get_attribute("lang") == "zh"  # lent to Pagefind, returned


def test_results_come_thirty_at_a_time_and_removals_are_marked(tab: Tab, base: str) -> None:
    assert len(search(tab, base, "新闻")) == 30
    assert "40 篇" in status(tab)
    tab.page.get_by_role("button", name="更多 More").click()
    expect(tab.page.locator("#search-results li")).to_have_count(40)
    assert tab.page.get_by_role("button").count() == 1  # the header's search button only
    assert search(tab, base, "美国大选") == [("美国大选", "articles/voa/2026/11/03-story-5.html")]
    assert tab.page.locator("#search-results .mark.removed").inner_text() == "已删除"


# The index is built incrementally: only the shards whose pages changed.


def shard_ids(out: Path) -> dict[str, int]:
    """Shard name -> inode of its folder (a rebuilt shard is a new folder)."""
    return {p.name: p.stat().st_ino for p in (out / "pagefind").iterdir() if p.is_dir()}


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def listed(out: Path) -> list[tuple[str, str, int]]:
    shards = json.loads((out / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    return [(s["name"], s["glob"], s["pages"]) for s in shards]


def test_the_newest_month_is_cut_into_blocks_of_days_that_merge_as_days_pass() -> None:
    assert search_index.day_blocks(1) == [(1, 1)]
    assert search_index.day_blocks(12) == [(1, 8), (9, 10), (11, 11), (12, 12)]
    assert search_index.day_blocks(13) == [(1, 8), (9, 12), (13, 13)]
    assert search_index.day_blocks(17) == [(1, 16), (17, 17)]
    assert search_index.day_blocks(31) == [(1, 16), (17, 24), (25, 28), (29, 30), (31, 31)]
    for last in range(1, 32):  # every day of the month in exactly one block
        days = [d for first, end in search_index.day_blocks(last) for d in range(first, end + 1)]
        assert days == list(range(1, last + 1))


def test_a_build_reindexes_only_the_shards_whose_pages_changed(tmp_path: Path) -> None:
    root = make_reader_archive(tmp_path / "archive", extra=10)
    out = tmp_path / "site"
    build_site(root, out)
    first = shard_ids(out)
    assert listed(out) == [
        ("2026-11d01-08", "{bbc,voa}/2026/11/{01,02,03,04,05,06,07,08}-*.html", 7),
        ("2026-11d09-10", "bbc/2026/11/{09,10}-*.html", 4),
        ("2026-11d11", "bbc/2026/11/11-*.html", 2),
        ("2026-11d12", "bbc/2026/11/12-*.html", 2),
    ]
    build_site(root, out)
    assert shard_ids(out) == first  # nothing changed, nothing indexed

    # A run on the newest day re-indexes that day only.
    RecordLog(root).append([revision(7, "voa", "同一天", "<p>又一条。</p>", day=11)])
    build_site(root, out)
    second = shard_ids(out)
    assert second.keys() == first.keys() and second["2026-11d12"] != first["2026-11d12"]
    assert all(second[name] == first[name] for name in first if name != "2026-11d12")

    # The next day merges the blocks a binary counter carries: days 9 to 12.
    RecordLog(root).append([revision(8, "voa", "第二天", "<p>正文。</p>", day=12)])
    build_site(root, out)
    third = shard_ids(out)
    assert set(third) == {"2026-11d01-08", "2026-11d09-12", "2026-11d13"}
    assert third["2026-11d01-08"] == first["2026-11d01-08"]

    # A new month: the last one becomes one shard; a build without search leaves the index
    # behind, and the next one catches up.
    RecordLog(root).append([revision(9, "voa", "十二月的新闻", "<p>新的一月。</p>", day=40)])
    build_site(root, out, search=False)
    build_site(root, out)
    assert listed(out) == [
        ("2026-11", "{bbc,voa}/2026/11/*.html", 17),
        ("2026-12d11", "voa/2026/12/11-*.html", 1),
    ]
    fresh = tmp_path / "fresh"
    build_site(root, fresh)
    assert tree(out) == tree(fresh)


def test_a_busy_month_is_split_by_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "MONTH_PAGES", 4)
    root = make_reader_archive(tmp_path / "archive", extra=3)
    RecordLog(root).append([revision(9, "voa", "十二月", "<p>正文。</p>", day=40)])
    out = tmp_path / "site"
    build_site(root, out)
    first = shard_ids(out)
    assert set(first) == {"2026-11-bbc", "2026-11-voa", "2026-12d11"}
    RecordLog(root).append([revision(10, "bbc", "又一条", "<p>正文。</p>")])
    build_site(root, out)
    second = shard_ids(out)
    assert second["2026-11-voa"] == first["2026-11-voa"]
    assert second["2026-11-bbc"] != first["2026-11-bbc"]
    fresh = tmp_path / "fresh"
    build_site(root, fresh)
    assert tree(out) == tree(fresh)


def test_a_missing_shard_is_rebuilt_and_strays_removed(tmp_path: Path) -> None:
    root = make_reader_archive(tmp_path / "archive")
    out = tmp_path / "site"
    build_site(root, out)
    before = tree(out)
    (out / "pagefind" / listed(out)[0][0] / "pagefind-entry.json").unlink()
    (out / "pagefind" / "2020-01").mkdir()
    (out / "pagefind" / "pagefind.js").write_text("left by an older build")
    build_site(root, out)
    assert tree(out) == before


def test_a_pagefind_failure_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_reader_archive(tmp_path / "archive")
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\necho 'Error: something' >&2\necho boom >&2\n")
    broken.chmod(0o755)
    monkeypatch.setattr(search_index, "pagefind_executable", lambda: str(broken))
    with pytest.raises(PublishError) as failure:
        build_site(root, tmp_path / "site")
    assert str(failure.value).endswith(": pagefind failed: boom")
    assert str(failure.value).startswith("search index 2026-11d")
