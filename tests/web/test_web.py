"""The web reader, every page and API route, in-process through an ASGI client."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest
from lxml import html as lxml_html
from starlette.testclient import TestClient

from newsmirror.web.app import create_app
from reader_archive import HOSTILE_TITLE, make_reader_archive


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = make_reader_archive(tmp_path_factory.mktemp("reader") / "archive", extra=45)
    with TestClient(create_app(root)) as running:
        yield running


def page(client: TestClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.text[:300])
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    text = response.text
    assert "<script" not in text  # the reader sends no script, and no page text runs as one
    return text


def links(text: str) -> list[str]:
    return [str(a.get("href")) for a in lxml_html.fromstring(text).iter("a")]


def hit_titles(text: str) -> list[str]:
    return [a.text_content() for a in lxml_html.fromstring(text).cssselect("ol.hits li > a")]


def test_home_lists_the_latest_articles_of_every_source(client: TestClient) -> None:
    text = page(client, "/")
    assert "美国之音" in text and "BBC 中文" in text
    assert "新闻 44" in text and "中俄关系新动向" not in text  # newest first, 30 a page
    assert page(client, "/index.html") == text
    assert "page/1.html" in links(text)  # numbered pages count from the oldest
    oldest = page(client, "/page/1.html")
    assert "中俄关系新动向" in oldest and "2.html" in links(oldest)
    newest = page(client, "/page/2.html")
    assert "新闻 44" in newest and "中俄关系新动向" not in newest
    assert "../index.html" in links(newest)
    page(client, "/page/3.html", 404)
    page(client, "/page/0.html", 404)
    page(client, "/page/-1.html", 404)


def test_source_day_and_days_pages(client: TestClient) -> None:
    voa = page(client, "/sources/voa/")
    assert "中俄关系新动向" in voa and "Climate talks" not in voa
    assert page(client, "/sources/voa/index.html") == voa
    assert client.get("/sources/voa", follow_redirects=False).status_code == 301
    days = page(client, "/sources/voa/days.html")
    assert "2026/11/01.html" in " ".join(links(days))
    day = page(client, "/sources/voa/2026/11/01.html")
    assert "中俄关系新动向" in day and "臺灣選舉結果" not in day
    page(client, "/sources/voa/2026/11/30.html", 404)
    page(client, "/sources/voa/2026/13/45.html", 404)
    page(client, "/sources/nosuch/", 404)


def test_article_page_shows_revisions_and_removal(client: TestClient) -> None:
    edited = page(client, "/articles/voa/2026/11/01-story-1.html")
    assert "习近平" in edited and "共 2 个版本" in edited
    assert "01-story-1.v1.html" in links(edited)
    first = page(client, "/articles/voa/2026/11/01-story-1.v1.html")
    assert "习近平" not in first and "这是第 1 版" in first
    page(client, "/articles/voa/2026/11/01-story-1.v2.html", 404)  # the latest has no number
    page(client, "/articles/voa/2026/11/01-story-1.v9.html", 404)
    removed = page(client, "/articles/voa/2026/11/03-story-5.html")
    assert "被删除" in removed and "HTTP 404" in removed and "美国大选进入最后阶段" in removed
    page(client, "/articles/voa/2026/11/01-nothing.html", 404)


def test_every_value_is_escaped(client: TestClient) -> None:
    for url in (
        "/page/1.html",
        "/sources/bbc/page/1.html",
        "/sources/bbc/2026/11/01.html",
        "/articles/bbc/2026/11/01-story-4.html",
        "/search.html?q=quotes",
    ):
        text = page(client, url)
        assert "&lt;script&gt;alert(" in text
        assert HOSTILE_TITLE not in text


def test_feeds_of_the_archive_and_of_a_source(client: TestClient) -> None:
    for url in ("/atom.xml", "/rss.xml", "/sources/voa/atom.xml", "/sources/bbc/rss.xml"):
        response = client.get(url)
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, url
        assert parsed.entries and all(
            e.link.startswith("http://testserver/articles/") for e in parsed.entries
        )
    voa = feedparser.parse(client.get("/sources/voa/atom.xml").content)
    assert {e.title for e in voa.entries} == {"中俄关系新动向", "臺灣選舉結果", "美国大选"}
    assert "习近平" in next(e for e in voa.entries if e.title == "中俄关系新动向").content[0].value
    data = client.get("/feed.json").json()
    assert data["version"] == "https://jsonfeed.org/version/1.1" and data["items"]
    assert client.get("/sources/nosuch/atom.xml").status_code == 404


def test_search_page_finds_chinese_in_either_script(client: TestClient) -> None:
    for query in ("中俄", "普京", "台湾", "臺灣", "国民党"):
        assert hit_titles(page(client, f"/search.html?q={query}")), query
    assert "<mark>" in page(client, "/search.html?q=普京")
    voa_only = page(client, "/search.html?q=新闻&source=voa")
    assert "没有找到" in voa_only
    removed = page(client, "/search.html?q=美国&status=removed")
    assert hit_titles(removed) == ["美国大选"]
    paged = page(client, "/search.html?q=新闻")
    assert "page=2" in " ".join(links(paged))
    assert "新闻" in page(client, "/search.html?q=新闻&page=2")


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        "' OR 1=1; DROP TABLE articles; --",
        '"unbalanced',
        "AND",
        "title:中俄",
        "NEAR(a b)",
        "中俄 -普京",
        "(((",
        "*",
        "%ff%fe",
        "x" * 10_000,
        "中" * 5_000,
    ],
)
def test_hostile_queries_answer_normally(client: TestClient, query: str) -> None:
    text = page(client, f"/search.html?q={query}")
    if "<script>" in query:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    data = client.get("/api/search", params={"q": query})
    assert data.status_code == 200 and isinstance(data.json()["results"], list)


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ("q=a&page=-1", "page"),
        ("q=a&page=abc", "page"),
        ("q=a&page=100000", "page"),
        ("q=a&since=yesterday", "since"),
        ("q=a&until=2026-02-30", "until"),
        ("q=a&status=deleted", "status"),
    ],
)
def test_bad_search_parameters_are_a_400_naming_them(
    client: TestClient, params: str, name: str
) -> None:
    assert name in page(client, f"/search.html?{params}", 400)
    response = client.get(f"/api/search?{params}")
    assert response.status_code == 400 and name in response.json()["error"]


def test_search_feed(client: TestClient) -> None:
    parsed = feedparser.parse(client.get("/search.atom?q=普京").content)
    assert not parsed.bozo and [e.title for e in parsed.entries] == ["中俄关系新动向"]


def test_api_lists_articles_and_searches(client: TestClient) -> None:
    sources = client.get("/api/sources").json()
    assert [s["abbr"] for s in sources] == ["voa", "bbc"]
    listed = client.get("/api/articles", params={"source": "voa"}).json()
    assert listed["total"] == 3 and listed["articles"][0]["title"] == "美国大选"
    assert listed["articles"][0]["removed"] is True
    one = client.get(f"/api/articles/{listed['articles'][-1]['id']}").json()
    assert one["rev"] == 2 and "习近平" in one["html"] and len(one["versions"]) == 2
    first = client.get(f"/api/articles/{one['id']}", params={"rev": 1}).json()
    assert "习近平" not in first["html"]
    day = client.get("/api/articles", params={"source": "voa", "day": "2026-11-01"}).json()
    assert [a["title"] for a in day["articles"]] == ["中俄关系新动向"]
    found = client.get("/api/search", params={"q": "臺灣"}).json()
    assert found["results"][0]["title"] == "臺灣選舉結果"
    assert "<mark>" in found["results"][0]["snippet_html"]
    paged = client.get("/api/articles", params={"page": 2, "size": 10}).json()
    assert paged["page"] == 2 and len(paged["articles"]) == 10


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/articles/nosuch", 404),
        ("/api/articles/voa00000000000001?rev=x", 400),
        ("/api/articles?source=nosuch", 404),
        ("/api/articles?page=0", 400),
        ("/api/articles?size=1000", 400),
        ("/api/articles?source=voa&day=someday", 400),
        ("/api/articles?day=2026-11-01", 400),
        ("/api/nosuch", 404),
        ("/api/search?q=x&since=2024-02-30", 400),
        ("/api/search?q=x&until=0000-01-01", 400),
    ],
)
def test_api_errors_are_json_4xx(client: TestClient, url: str, status: int) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.json()["error"]


def test_api_wrong_method_is_a_json_405(client: TestClient) -> None:
    response = client.post("/api/search?q=x")
    assert response.status_code == 405 and response.json()["error"]


@pytest.mark.parametrize("route", ["/api/search", "/search.html", "/search.atom"])
@pytest.mark.parametrize("dates", ["until=9999-12-31", "since=9999-12-31", "since=0001-01-01"])
def test_searches_at_the_ends_of_the_calendar_answer(
    client: TestClient, route: str, dates: str
) -> None:
    assert client.get(f"{route}?q=x&{dates}").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/static/../newsmirror.toml",
        "/static/%2e%2e/%2e%2e/newsmirror.toml",
        "/images/../record/voa",
        "/articles/%ff.html",
        "/%00",
        "/newsmirror.toml",
        "/record/voa/2026-11.jsonl",
    ],
)
def test_nothing_outside_the_pages_is_served(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "[sources]" not in response.text and '"article"' not in response.text


def test_the_stylesheet_is_served(client: TestClient) -> None:
    response = client.get("/static/style.css")
    assert response.status_code == 200 and "prefers-color-scheme: dark" in response.text


JPEG = b"\xff\xd8\xff\xe0 jpeg"
JPEG_PATH = f"{hashlib.sha256(JPEG).hexdigest()[:2]}/{hashlib.sha256(JPEG).hexdigest()}.jpg"


def test_local_images_are_served_from_the_archive(tmp_path: Path) -> None:
    root = make_reader_archive(tmp_path / "archive")
    image = root / "images" / JPEG_PATH
    image.parent.mkdir(parents=True)
    image.write_bytes(JPEG)
    with TestClient(create_app(root)) as running:
        response = running.get(f"/images/{JPEG_PATH}")
        assert response.status_code == 200 and response.content == JPEG
        assert running.get(f"/images/{JPEG_PATH[:-3]}png").status_code == 404


def test_an_images_link_out_of_the_archive_serves_nothing_but_copies(tmp_path: Path) -> None:
    # An archive cloned from someone else's repository: git keeps `images` as a link, here to
    # a folder of other files (it could be /). Only names the archive gives its copies are served.
    outside = tmp_path / "outside"
    (outside / JPEG_PATH).parent.mkdir(parents=True)
    (outside / JPEG_PATH).write_bytes(JPEG)
    (outside / "secret.txt").write_text("secret", encoding="utf-8")
    (outside / "ab").mkdir(exist_ok=True)
    (outside / "ab" / "passwd").write_text("root:x:0:0", encoding="utf-8")
    root = make_reader_archive(tmp_path / "archive")
    (root / "images").symlink_to(outside)
    with TestClient(create_app(root)) as running:
        for path in ("secret.txt", "ab/passwd", "ab/../secret.txt", "%73ecret.txt"):
            response = running.get(f"/images/{path}")
            assert response.status_code == 404 and "secret" not in response.text, path
            assert "root:" not in response.text
        assert running.get(f"/images/{JPEG_PATH}").content == JPEG


def test_images_without_an_images_folder_are_404(client: TestClient) -> None:
    # The default image policy keeps no copies: the archive has no images/ folder at all.
    assert client.get("/images/ab/abc.jpg").status_code == 404
    assert client.get("/images/").status_code == 404


def test_json_api_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for route in ("/api/sources", "/api/articles", "/api/articles/{id}", "/api/search"):
        assert f"`GET {route}" in readme, route
