"""What a reader meets on the pages of the reader and the site: the body's date line left to the
header, images with a text alternative, one search box, titles on their own line on a phone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html
from starlette.testclient import TestClient

from archive_helpers import nm
from browser import Tab
from newsmirror.clean import plain_text
from newsmirror.record.log import RecordLog
from newsmirror.web.app import create_app
from reader_archive import make_reader_archive, revision
from server import served

BODY = (
    "<div><i>Sun, 30 Nov 2025 09:13:47 GMT</i></div>"
    '<img src="https://example.com/p.jpg" width="100%">'
    '<div><small style="color: #999;">台北街头的 &quot;选民&quot;</small></div>'
    '<p>台湾选举今天举行。<img src="https://example.com/q.jpg"></p>'
)
STORY = revision(7, "voa", "台湾选举", BODY, text=plain_text(BODY))
PATH = "articles/voa/2026/11/01-story-7"
# The old scripts' BBC articles open with a Chinese date line.
OLD_BODY = "<div><i>2020年 9月 1日</i></div><p>海底光缆改道菲律宾。</p>"
OLD = revision(8, "bbc", "光缆改道", OLD_BODY, text=plain_text(OLD_BODY))
OLD_PATH = "articles/bbc/2026/11/01-story-8"
# Their DW articles: a byline, then the time.
DW_BODY = "<div><i>    Hans Pfeifer<br>2024-09-23T11:08:09.856Z</i></div><p>勃兰登堡州选举。</p>"
DW = revision(9, "bbc", "选举", DW_BODY, text=plain_text(DW_BODY))
DW_PATH = "articles/bbc/2026/11/01-story-9"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_reader_archive(tmp_path_factory.mktemp("pages") / "archive")
    RecordLog(root).append([STORY, OLD, DW])
    assert nm(root, "rebuild") == 0  # the mirror files
    return root


@pytest.fixture(scope="module")
def site(root: Path) -> Iterator[str]:
    www = root.parent / "www"
    assert nm(root, "build", "--no-search", "--out", str(www / "news")) == 0
    with served(www, "news") as url:
        yield url


def test_the_body_date_line_is_left_to_the_header_and_images_have_alt(
    root: Path, site: str
) -> None:
    with TestClient(create_app(root)) as client:
        reader = client.get(f"/{PATH}.html").text
    built = (root.parent / "www" / "news" / f"{PATH}.html").read_text(encoding="utf-8")
    for text in (reader, built):
        body = html.fromstring(text).cssselect("div.body")[0]
        assert "GMT" not in body.text_content() and "台湾选举今天举行" in body.text_content()
        alts = [img.get("alt") for img in body.iter("img")]
        assert alts == ['台北街头的 "选民"', "台湾选举"]  # the caption, else the title
    mirror = (root / f"{PATH}.md").read_text(encoding="utf-8")
    assert "<div><i>Sun, 30 Nov 2025 09:13:47 GMT</i></div>" in mirror  # the format keeps it


def test_search_snippets_do_not_begin_with_the_date_line(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert nm(root, "search", "--json", "台湾选举") == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (hit,) = [hit for hit in hits if hit["path"] == f"{PATH}.md"]
    assert hit["snippet"].startswith("台北街头") and "GMT" not in hit["snippet"]


def _hex_term(term: str) -> str:
    """A term as the site's hidden search element writes it (``render.search_terms``)."""
    return term.encode("utf-16-be").hex() + "z"


def test_the_date_line_is_not_searchable_in_the_index_nor_on_the_site(
    root: Path, site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ours = {f"{PATH}.md", f"{OLD_PATH}.md", f"{DW_PATH}.md"}
    for query in ("GMT", "Nov", "2025", "09:13:47", "Sun", "2020年", "9月", "2024", "09"):
        capsys.readouterr()
        nm(root, "search", "--json", query)
        found = {json.loads(line)["path"] for line in capsys.readouterr().out.splitlines()}
        assert not found & ours, query
    for query, path in (
        ("台北街头", PATH),
        ("光缆改道", OLD_PATH),
        ("菲律宾", OLD_PATH),
        ("Pfeifer 勃兰登堡", DW_PATH),  # the byline stays searchable
    ):
        capsys.readouterr()
        assert nm(root, "search", "--json", query) == 0
        assert path + ".md" in capsys.readouterr().out, query
    for path, gone, kept in ((PATH, ("gmt", "nov", "2025"), "台北"), (OLD_PATH, ("2020",), "光缆")):
        page = html.fromstring((root.parent / "www" / "news" / f"{path}.html").read_bytes())
        (hidden,) = page.cssselect("div[data-pagefind-body]")
        terms = set(hidden.text_content().split())
        assert _hex_term(kept) in terms and not {_hex_term(term) for term in gone} & terms
        assert "2020年" not in page.cssselect("div.body")[0].text_content()
    with TestClient(create_app(root)) as client:
        reader = html.fromstring(client.get(f"/{DW_PATH}.html").text)
    body = reader.cssselect("div.body")[0].text_content()
    assert "Hans Pfeifer" in body and "2024-09-23" not in body  # the byline stays, the time goes


def test_the_search_page_shows_the_query_in_one_box(root: Path) -> None:
    with TestClient(create_app(root)) as client:
        page = html.fromstring(client.get("/search.html?q=台湾").text)
    boxes = page.cssselect('input[name="q"]')
    assert [box.get("value") for box in boxes] == ["台湾"]


def test_on_a_phone_a_title_starts_its_own_line(tab: Tab, site: str) -> None:
    tab.page.set_viewport_size({"width": 390, "height": 844})
    tab.page.goto(site)
    item = tab.page.locator("ol.items li").first
    date, title = item.locator("time").bounding_box(), item.locator("a").first.bounding_box()
    assert date and title and title["y"] >= date["y"] + date["height"] - 1
    tab.page.set_viewport_size({"width": 1200, "height": 800})  # on a wide screen, one line
    date, title = item.locator("time").bounding_box(), item.locator("a").first.bounding_box()
    assert date and title and abs(title["y"] - date["y"]) < date["height"]
