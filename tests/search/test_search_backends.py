"""The search contract: SQLite's FTS5 index and PostgreSQL's answer every query alike.

Each test runs on both backends (``record`` is parametrized); ``test_both_backends_find_the_same``
then puts the same real Chinese news into both and compares their answers to thousands of
queries drawn from it: every character, every bigram, phrases, exclusions, traditional forms.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import opencc
import pytest
from test_search import DAY, NEWS, Record, later, revision

from newsmirror.record.model import epoch_ms, parse_iso
from newsmirror.search import SearchIndex, SearchQuery, marked_html, plain
from newsmirror.search.backend import SearchBackend
from newsmirror.search.postgres import REACH, PostgresSearch, grams, tsvector
from newsmirror.search.searching import WINDOW
from newsmirror.search.text import fold
from newsmirror.store.postgres import open_pool, upgrade
from newsmirror.store.postgres.connection import open_connection
from newsmirror.store.postgres.schema import migrations
from postgres import LocalPostgres

DATA = Path(__file__).resolve().parents[1] / "data"


def postgres_search(url: str, reach: int = REACH) -> PostgresSearch:
    with open_connection(url) as connection:
        upgrade(connection, url)
    return PostgresSearch(open_pool(url), reach)


class Backend(Record):
    """A record and the search index of one backend beside it."""

    def __init__(self, root: Path, index: SearchBackend) -> None:
        super().__init__(root)
        self.index.close()
        self.index = index  # type: ignore[assignment]


@pytest.fixture(params=["sqlite", "postgres"])
def record(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        backend = Backend(tmp_path, SearchIndex(tmp_path / ".newsmirror" / "search.sqlite"))
    else:
        backend = Backend(tmp_path, postgres_search(request.getfixturevalue("pg_url")))
    yield backend
    backend.index.close()


def test_chinese_queries_of_one_to_four_characters(record: Backend) -> None:
    record.add(*NEWS)
    assert set(record.find("中")) == {"voa-1", "voa-2", "voa-4"}  # 会场中 ends a run
    assert record.find("中俄") == ["voa-1"]
    assert record.find("普京") == ["voa-1"]
    assert record.find("乌战争") == ["voa-1"]
    assert record.find("俄乌战争") == ["voa-1"]
    assert record.find("乌俄战争") == []  # every character is there, not in this order
    assert record.find("场中") == ["voa-4"]  # a bigram that ends a run


def test_traditional_and_simplified_find_each_other(record: Backend) -> None:
    record.add(*NEWS)
    assert record.find("台湾") == record.find("臺灣") == ["voa-2"]
    assert record.find("国民党") == record.find("國民黨") == ["voa-2"]
    assert set(record.find("国")) == set(record.find("國")) == {"voa-2", "voa-3", "voa-4"}
    hit = record.page("台湾 国民党").hits[0]
    assert marked_html(hit.title_marks) == "<mark>臺灣</mark>選舉結果"  # shown as published
    assert marked_html(hit.snippet).startswith("<mark>國民黨</mark>在<mark>臺灣</mark>選舉")


def test_mixed_chinese_and_latin(record: Backend) -> None:
    record.add(*NEWS)
    assert record.find("普京 Putin") == []  # both must match, in one article
    assert record.find("國民黨 putin") == ["voa-2"]
    assert record.find("G20峰会") == ["voa-3"]  # next to each other, not G20 ... 峰会
    assert set(record.find("G20 峰会")) == {"voa-3", "voa-4"}
    assert record.find("CAFE") == ["voa-5"]  # case and diacritics fold
    assert record.find("Ｇ２０峰会") == ["voa-3"]  # full-width forms fold


def test_quoted_phrases_need_their_words_together(record: Backend) -> None:
    record.add(*NEWS)
    assert record.find("vladimir putin") == ["voa-5"]
    assert record.find('"vladimir putin"') == ["voa-5"]  # the title has it
    assert record.find('"putin met"') == ["voa-5"]
    assert record.find('"met putin"') == []  # both words are there, not together
    assert record.find('"普京 会谈"') == []  # 普京与习近平在北京会谈
    assert record.find('"普京 与"') == ["voa-1"]  # a space in a Chinese phrase is not there
    # A phrase never runs from the title into the body.
    assert record.find('"speaks putin"') == []


def test_exclusions(record: Backend) -> None:
    record.add(*NEWS)
    assert set(record.find("G20")) == {"voa-3", "voa-4"}
    assert record.find("G20 -美国") == ["voa-3"]
    assert record.find('G20 -"各国领导人"') == ["voa-4"]
    assert record.find("G20 NOT 美国") == ["voa-3"]
    assert record.find("G20 -印") == []  # a lone character excludes every word it starts
    assert record.page("-美国").hits == () and record.page("-美国").total == 0


def test_hyphens_and_punctuation(record: Backend) -> None:
    record.add(
        revision(1, "COVID-19 疫情", "新冠（COVID-19）在武汉出现。e-mail 与 email 不同。"),
        revision(2, "COVID 19", "19 cases of COVID in 2020, said the e‑mail."),
    )
    assert set(record.find("COVID-19")) == {"voa-1", "voa-2"}  # words, with anything between
    assert record.find('"covid 19 疫情"') == ["voa-1"]
    assert set(record.find("e-mail")) == {"voa-1", "voa-2"}
    assert record.find("email") == ["voa-1"]
    assert record.find("AND OR NEAR * ( ) :") == []  # nothing to find: no error either
    assert record.find('title:covid "') == []


def test_source_date_and_status_filters(record: Backend) -> None:
    old = revision(1, "中国经济", "中国经济增长。", when="2024-04-30T23:59:00Z")
    other = revision(2, "中国外交", "中国外交政策。", source="rfa", when="2024-05-02T08:00:00Z")
    edited = revision(3, "中国科技", "中国科技发展。", when="2024-05-03T08:00:00Z")
    record.add(old, other, edited)
    record.add(later(edited, 1, change="edited", text="中国科技发展迅速。"))
    removed = later(old, 1, change="removed")
    record.add(removed)
    assert record.find("中国", sources=("rfa",)) == ["rfa-2"]
    assert set(record.find("中国", sources=("voa", "rfa"))) == {"voa-1", "rfa-2", "voa-3"}
    assert record.find("中国", sources=("nope",)) == []
    may = epoch_ms(parse_iso(DAY))
    assert set(record.find("中国", since_ms=may)) == {"rfa-2", "voa-3"}
    assert record.find("中国", until_ms=may) == ["voa-1"]
    assert record.find("中国", since_ms=may, until_ms=may + 86_400_000 * 2) == ["rfa-2"]
    assert record.find("中国", status="edited") == ["voa-3"]
    assert record.find("中国", status="removed") == ["voa-1"]
    assert record.find("中国", status="other") == []
    assert {h.article: h.status for h in record.page("中国").hits} == {
        "voa-1": "removed",
        "rfa-2": "",
        "voa-3": "edited",
    }
    record.add(later(removed, 1, change="restored"))  # back: no longer removed
    assert record.find("中国", status="removed") == []
    record.add(later(later(edited, 1, change="edited"), 1, change="removed"))
    assert record.find("中国", status="edited") == record.find("中国", status="removed")


def test_relevance_then_recency(record: Backend) -> None:
    record.add(
        revision(1, "天气", "今天的新闻提到了选举。", when="2024-05-03T00:00:00Z"),
        revision(2, "选举", "选举，选举，选举结果公布。", when="2024-05-01T00:00:00Z"),
        revision(3, "天气", "昨天的新闻提到了选举。", when="2024-05-02T00:00:00Z"),
    )
    assert record.find("选举") == ["voa-2", "voa-1", "voa-3"]  # title first; then the newer
    assert record.find("新闻 选举") == ["voa-1", "voa-3"]


def test_an_update_replaces_the_document(record: Backend) -> None:
    first = revision(1, "旧标题", "原来的文字提到了莫斯科。")
    record.add(first)
    second = later(first, 1, change="edited", title="新标题", text="改过的文字提到了北京。")
    record.add(second)
    assert record.find("莫斯科") == [] and record.find("旧标题") == []
    assert record.find("北京") == ["voa-1"] and record.find("新标题") == ["voa-1"]
    record.add(first)  # an older one, arriving late
    assert record.find("莫斯科") == [] and record.find("北京") == ["voa-1"]
    (hit,) = record.page("北京").hits
    assert (hit.title, hit.status) == ("新标题", "edited")


def test_an_older_edit_arriving_late_still_marks_the_article(record: Backend) -> None:
    first = revision(1, "标题", "文字。")
    edit = later(first, 1, change="edited", text="改过的文字。")
    record.add(first, later(edit, 1, change="restored", text="再改的文字。"))
    assert record.page("文字").hits[0].status == ""
    record.add(edit)
    assert record.page("文字").hits[0].status == "edited"


def test_delete_forgets_the_article(record: Backend) -> None:
    record.add(*NEWS)
    record.index.delete("voa-3")
    record.index.delete("voa-3")  # again: nothing there
    record.index.delete("never-indexed")
    assert set(record.find("G20")) == {"voa-4"}
    assert record.find("G20", sources=("voa",)) == ["voa-4"]
    record.add(NEWS[2])
    assert set(record.find("G20")) == {"voa-3", "voa-4"}


def test_an_article_whose_time_changes_moves(record: Backend) -> None:
    first = revision(1, "中国", "中国新闻。", when="2024-05-01T00:00:00Z")
    record.add(first, revision(2, "中国", "中国新闻。", when="2024-05-02T00:00:00Z"))
    assert record.find("中国") == ["voa-2", "voa-1"]
    record.add(later(first, 1, published="2024-05-05T00:00:00Z"))
    assert record.find("中国") == ["voa-1", "voa-2"]
    assert record.find("中国", since_ms=epoch_ms(parse_iso("2024-05-04T00:00:00Z"))) == ["voa-1"]


def test_snippets_mark_the_original_text(record: Backend) -> None:
    text = "開頭。" + "很長的文字，" * 40 + "台灣的選舉在今天舉行。" + "結尾。" * 30
    record.add(revision(1, "標題", text))
    (hit,) = record.page("台湾 选举").hits
    assert hit.snippet[0] == ("…", False) and hit.snippet[-1] == ("…", False)
    assert [part for part, match in hit.snippet if match] == ["台灣", "選舉"]
    assert 100 <= len(plain(hit.snippet)) <= 130 and "台湾" not in plain(hit.snippet)
    assert hit.title_marks == (("標題", False),)
    record.add(revision(2, "<script>x</script>", "<b>粗体</b> & 普京"))
    (hit,) = record.page("普京").hits
    assert marked_html(hit.title_marks) == "&lt;script&gt;x&lt;/script&gt;"
    assert marked_html(hit.snippet) == "&lt;b&gt;粗体&lt;/b&gt; &amp; <mark>普京</mark>"


def test_pages_totals_and_the_window(record: Backend) -> None:
    record.add(*(revision(n, "新闻", f"第{n}条中国新闻。") for n in range(WINDOW + 30)))
    page = record.page("中国", limit=7, offset=3)
    assert len(page.hits) == 7 and page.total_is_estimate and page.total >= WINDOW
    beyond = record.page("中国", offset=WINDOW)
    assert beyond.hits == () and beyond.total == page.total
    assert len(record.page("中国", limit=10**6).hits) == 100  # at most 100 a page
    few = record.page("第7条")
    assert (few.total, few.total_is_estimate, len(few.hits)) == (1, False, 1)
    assert record.page("第7条", limit=0).total == 1


# Both at once: the same news in both, the same answers to every query drawn from it.


def news_sentences() -> list[str]:
    """Sentences of real Chinese news (the VOA feed under tests/data), markup removed."""
    text = (DATA / "golden/voa-fulltext-feed.xml").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]*>|&lt;[^&]*&gt;|&[a-z#0-9]+;", " ", text)
    found = re.findall(r"[^。！？\n]*[\u4e00-\u9fff][^。！？\n]*[。！？]", text)
    return sorted({s.strip() for s in found if 8 <= len(s.strip()) <= 200})


def corpus() -> list[tuple[str, str]]:
    """90 articles (title, text) of three to six sentences each; one in ten in traditional
    characters, one in five with English words."""
    chooser = random.Random(16)
    sentences = news_sentences()
    traditional = opencc.OpenCC("s2t")
    english = ["Putin", "Xi Jinping", "COVID-19", "e-mail", "G20", "café", "Hong Kong", "AI"]
    articles = []
    for n in range(90):
        body = "".join(chooser.sample(sentences, chooser.randint(3, 6)))
        if n % 5 == 0:
            body += " " + " ".join(chooser.sample(english, 2)) + "。"
        title = chooser.choice(sentences)[:20]
        if n % 10 == 3:
            title, body = traditional.convert(title), traditional.convert(body)
        articles.append((title, body))
    return articles


def queries(articles: list[tuple[str, str]]) -> list[str]:
    """Every character of the news, every second bigram, three- and five-character strings,
    phrases with a space, exclusions, English words and the traditional form of some."""
    chooser = random.Random(61)
    text = "".join(title + body for title, body in articles)
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    chars = sorted(set("".join(runs)))
    bigrams = sorted({run[i : i + 2] for run in runs for i in range(len(run) - 1)})[::2]
    longer = [run[i : i + k] for run in chooser.sample(runs, 120) for k in (3, 5) for i in (0,)]
    phrases = [f'"{w[:2]} {w[2:]}"' for w in longer if len(w) == 5][:40]
    excluded = [f"{a} -{b}" for a, b in zip(chooser.sample(bigrams, 80), chars[::7], strict=False)]
    pairs = [f"{a} {b}" for a, b in zip(chooser.sample(bigrams, 60), chars[::11], strict=False)]
    words = ["putin", "Xi", "jinping", "covid-19", "COVID", "e-mail", "email", "g20", "cafe"]
    traditional = opencc.OpenCC("s2t")
    return [
        *chars,
        *bigrams,
        *longer,
        *phrases,
        *excluded,
        *pairs,
        *words,
        *(traditional.convert(q) for q in longer[::4]),
    ]


def test_both_backends_find_the_same(tmp_path: Path, pg_url: str) -> None:
    articles = corpus()
    revisions = [
        revision(n, title, body, when=f"2024-05-{1 + n % 28:02d}T{n % 24:02d}:00:00Z")
        for n, (title, body) in enumerate(articles)
    ]
    sqlite = Backend(tmp_path / "a", SearchIndex(tmp_path / "a/.newsmirror/search.sqlite"))
    postgres = Backend(tmp_path / "b", postgres_search(pg_url))
    sqlite.add(*revisions)
    postgres.add(*revisions)
    asked = queries(articles)
    assert len(asked) > 1500
    differ, found = [], 0
    for text in asked:
        one, other = (b.index.search(SearchQuery(text, limit=100)) for b in (sqlite, postgres))
        found += bool(one.hits)
        if {h.article for h in one.hits} != {h.article for h in other.hits}:
            differ.append(text)
        elif one.total != other.total:
            differ.append(f"{text} (total)")
    assert differ == []
    assert found > len(asked) * 0.8  # the queries find things: not two empty answers
    sqlite.index.close()
    postgres.index.close()


def test_a_search_that_looks_further_back_step_by_step_finds_the_same(
    tmp_path: Path, pg_url: str
) -> None:
    """Looking in the newest few documents first, then further back, finds what one look at
    the whole range finds (and counts as many)."""
    articles = corpus()
    revisions = [
        revision(n, title, body, when=f"2024-05-{1 + n % 28:02d}T{n % 24:02d}:00:00Z")
        for n, (title, body) in enumerate(articles)
    ]
    stepwise = Backend(tmp_path, postgres_search(pg_url, reach=5))
    stepwise.add(*revisions)
    with open_connection(pg_url) as connection:
        connection.autocommit = True
        connection.execute("ANALYZE search_docs")  # its size: what the steps are planned by
    whole = PostgresSearch(open_pool(pg_url), reach=1 << 40)
    differ = []
    for text in queries(articles)[::3]:
        one, other = (b.search(SearchQuery(text, limit=100)) for b in (stepwise.index, whole))
        if [h.article for h in one.hits] != [h.article for h in other.hits]:
            differ.append(text)
        elif (one.total, one.total_is_estimate) != (other.total, other.total_is_estimate):
            differ.append(f"{text} (total)")
    assert differ == []
    stepwise.index.close()
    whole.close()


def test_an_upgrade_gives_documents_indexed_before_it_their_grams(pg_url: str) -> None:
    """The migration that adds grams computes those of the documents already indexed from
    their terms, as the code computes them for a new one."""
    texts = [(fold(title), fold(body)) for title, body in corpus()[:60]]
    grams_version = next(v for v, name, _ in migrations() if name.endswith("_search_grams.sql"))
    with open_connection(pg_url) as connection:
        with connection.transaction():
            connection.execute(
                "CREATE TABLE schema_version(version integer PRIMARY KEY, "
                "name text NOT NULL, applied_at timestamptz DEFAULT now())"
            )
            for version, name, sql in migrations()[: grams_version - 1]:
                connection.execute(sql.encode())
                connection.execute("INSERT INTO schema_version VALUES (%s, %s)", (version, name))
            for n, (title, body) in enumerate(texts):
                connection.execute(
                    """INSERT INTO search_docs (article, rev, source, edited, removed, minute,
                       time_ms, path, title, body, terms, title_terms)
                       VALUES (%s, 1, 'voa', false, false, 0, 0, '', %s, %s, %s, %s)""",
                    (f"a{n}", title, body, tsvector(title, body), tsvector(title)),
                )
        assert upgrade(connection, pg_url)[0] == grams_version - 1
        found = connection.execute("SELECT grams::text FROM search_docs ORDER BY seq").fetchall()
        expected = [
            connection.execute(
                "SELECT array_to_tsvector(%s::text[])::text", (grams(*t),)
            ).fetchall()[0]
            for t in texts
        ]
    assert found == expected


def test_the_cluster_runs_as_a_user_postgresql_accepts(postgres: LocalPostgres) -> None:
    import psycopg

    with psycopg.connect(postgres.url()) as connection:
        row = connection.execute("SELECT current_setting('data_directory')").fetchone()
    assert row is not None and str(row[0]).startswith(str(postgres.folder))
