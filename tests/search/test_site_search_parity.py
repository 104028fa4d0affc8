"""The static site's search finds the articles ``newsmirror search`` finds, query for query.

Pagefind on its own got these wrong: a word missing from one shard found every page of that
shard (``Aurelius``), words matched the words they begin (``Trump`` found ``Trumpism``), a
hyphenated word was two loose words (``T-Dome``), and Chinese was cut by a dictionary and
never folded (``女性军人`` missed ``女性軍人``; ``台湾`` and ``台灣`` each found one page of two).
The site built here spans two months, so its words sit in shards of an older month and of
days of the newest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_site_search import search, served

from archive_helpers import nm
from browser import Tab
from newsmirror.clean import plain_text
from newsmirror.record.log import RecordLog
from newsmirror.settings.configfile import init_archive
from reader_archive import SOURCES, revision

ARTICLES = [
    # (source, day from 1 November 2026, title, paragraphs); negative days are in October
    ("voa", -20, "普京与特朗普通电话", "普京（Vladimir Putin）与特朗普（Donald Trump）通话。"),
    ("voa", -12, "Trumpism 的未来", "分析人士谈论 Trumpism 与共和党。中国人在海外，人民币汇率。"),
    ("bbc", -5, "Meditations", "Marcus Aurelius wrote the Meditations. 罗马皇帝的沉思录。"),
    ("bbc", 0, "台湾选举", "台湾今天举行选举，国民党与民进党竞争。"),
    ("voa", 1, "臺灣選舉", "台灣選民投票，女性軍人也參加了投票。"),
    ("bbc", 2, "T-Dome 防空系统", "台湾宣布建设 T-Dome 防空系统。"),
    ("voa", 3, "中国人民银行降息", "中国人民银行宣布降息。Trump 表示欢迎。"),
    ("bbc", 4, "dome 与 T 恤", "一座 dome 形建筑，和一件 T 恤。Putin's visit."),
    ("voa", 9, "女性军人的故事", "她是一名女性军人，在边境服役。"),
    ("bbc", 10, "Café culture", "A café in Zürich. 咖啡馆文化。"),
    ("voa", 11, "京剧", "京剧演员在北京演出。"),
    ("bbc", 11, "Long words", "Internationalization and counterrevolutionaries, 国际化。"),
]
# Bodies that open with a date line (newsmirror's own, and the old DW articles' byline and
# time): neither search finds an article by it; the byline stays.
DATE_LINES = {
    4: "<div><i>Sun, 01 Nov 2026 09:13:47 GMT</i></div>",
    7: "<div><i>    Hans Pfeifer<br>2026-11-03T11:08:09.856Z</i></div>",
}
QUERIES = [
    # English words, a word's prefix, a hyphenated word, diacritics
    "Aurelius", "Putin", "Trump", "Trumpism", "Trum", "T-Dome", "dome", "cafe", "zurich",
    # one and two characters, simplified against traditional, phrases
    "京", "台", "台湾", "台灣", "臺灣", "女性军人", "女性軍人", "选举", "中国人民", "人民银行",
    # several terms, words in different shards, quoted phrases, exclusions
    "普京 Putin", "Putin Aurelius", "Trump 台湾", '"中国人民"', '"T Dome"', "台湾 -国民党",
    "选举 NOT 女性", "北京", "不存在", "internationalization", "counterrevolutionaries",
    "internationalizatio",
    # the date lines
    "GMT", "Nov", "2026", "09", "Pfeifer",
]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The archive and its site's URL."""
    top = tmp_path_factory.mktemp("parity")
    root = top / "archive"
    init_archive(root, SOURCES)
    RecordLog(root).append(
        [
            revision(n, source, title, body, day=day, text=plain_text(body))
            for n, (source, day, title, text) in enumerate(ARTICLES, 1)
            for body in [DATE_LINES.get(n, "") + f"<p>{text}</p>"]
        ]
    )
    assert nm(root, "build", "--out", str(top / "www" / "news")) == 0
    with served(top / "www", "news") as url:
        yield root, url


def found_by_command(root: Path, query: str, capsys: pytest.CaptureFixture[str]) -> set[str]:
    capsys.readouterr()
    assert nm(root, "search", "--json", "--limit", "100", "--", query) == 0
    lines = capsys.readouterr().out.splitlines()
    return {json.loads(line)["path"].removesuffix(".md") for line in lines}


def test_the_site_finds_what_the_command_finds(
    tab: Tab, site: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, base = site
    shards = json.loads((root.parent / "www/news/pagefind/shards.json").read_text())["shards"]
    assert len(shards) >= 3  # an October shard and blocks of November's days
    differ = {}
    for query in QUERIES:
        expected = found_by_command(root, query, capsys)
        on_site = {href.removesuffix(".html") for _, href in search(tab, base, query)}
        if on_site != expected:
            differ[query] = (sorted(on_site), sorted(expected))
    assert differ == {}
    # Newest first.
    assert [href for _, href in search(tab, base, "台湾")] == [
        "articles/bbc/2026/11/03-story-6.html",
        "articles/voa/2026/11/02-story-5.html",
        "articles/bbc/2026/11/01-story-4.html",
    ]
    # The queries are worth asking: each kind finds some articles and misses others.
    assert len(found_by_command(root, "台湾", capsys)) == 3
    assert len(found_by_command(root, "Trump", capsys)) == 2
    assert len(found_by_command(root, "T-Dome", capsys)) == 1
    assert len(found_by_command(root, "中国人民", capsys)) == 1
    assert found_by_command(root, "Putin Aurelius", capsys) == set()
    assert found_by_command(root, "GMT", capsys) == found_by_command(root, "2026", capsys) == set()
    assert found_by_command(root, "Pfeifer", capsys) == {"articles/voa/2026/11/04-story-7"}
