"""Real pages of the default sources' page systems (tests/data/realpages) vs expected parses."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest

from conftest import DATA
from newsmirror.extract import extract_article

PAGES = DATA / "realpages"
VOA_URL = (
    "https://www.voanews.com/a/"
    "america-s-child-care-crisis-is-holding-back-moms-without-college-degrees-/7585813.html"
)


def _paragraphs(expected: dict[str, object]) -> list[str]:
    body = expected["body"]
    assert isinstance(body, dict)
    return [p for section in body["sections"] for p in section["paragraphs"]]


def test_voa_pangea() -> None:
    expected = json.loads((PAGES / "sister-cms/pangea-voa/VoiceOfAmerica.json").read_text())["V1"]
    page = gzip.decompress(
        (PAGES / "sister-cms/pangea-voa/VoiceOfAmerica_2024_04_28.html.gz").read_bytes()
    )
    found = extract_article(page, VOA_URL)
    assert found.status == "ok"
    assert found.title == expected["title"].strip()
    assert found.published == datetime(2024, 4, 28, 7, 0, tzinfo=UTC)
    assert found.authors == ("Associated Press",)
    assert found.lead_image is not None
    assert found.lead_image.caption.startswith("Adriane Burnett reads to her son")
    for paragraph in _paragraphs(expected):
        assert paragraph[:80] in found.text
    assert "Related" not in found.text and "Share" not in found.text
    assert ' target="_blank"' in found.html or "<a " not in found.html
    assert "class=" not in found.html and "<script" not in found.html


@pytest.mark.parametrize(
    ("key", "name"), [("V1", "DW_2023_04_28"), ("V2", "DW_2023_06_13"), ("V2_1", "DW_2024_01_30")]
)
def test_dw(key: str, name: str) -> None:
    expected = json.loads((PAGES / "sister-cms/dw-de/DW.json").read_text())[key]
    page = gzip.decompress((PAGES / f"sister-cms/dw-de/{name}.html.gz").read_bytes())
    found = extract_article(page, "https://www.dw.com/de/article/a-1")
    assert found.status == "ok"
    assert found.title == expected["title"].strip()
    if key != "V1":  # the 2023-04 page names only "Deutsche Welle" in its metadata (known gap)
        assert list(found.authors) == expected["authors"]
    for paragraph in _paragraphs(expected):
        assert paragraph[:80] in found.text


def test_bbc_zhongwen() -> None:
    page = (PAGES / "bbc-zhongwen/bbc_zhongwen_detail.html").read_bytes()
    found = extract_article(page, "https://www.bbc.com/zhongwen/articles/cwyv1yz8yrno/simp")
    assert found.status == "ok"
    assert found.title == "香港大埔宏福苑大火幸存者：第一次觉得死亡和我有关"
    assert found.published is not None and found.published.date().isoformat() == "2025-11-30"
    assert found.lead_image is not None and "李先生正在家里休息" in found.lead_image.caption
    assert not found.lead_image.caption.startswith("图像加注文字")
    assert "第一次觉得死亡和我有关系" in found.text
    assert "Author," not in found.text
    assert any(image.caption for image in found.images)
    assert '<div><small style="color: #999;">' in found.html


def test_rfi() -> None:
    page = (PAGES / "rfi-cn/radarflow/rfi_detail.html").read_bytes()
    found = extract_article(page, "https://www.rfi.fr/cn/x")
    assert found.status == "ok"
    assert "T-Dome" in found.title
    assert found.lead_image is not None and "赖清德" in found.lead_image.caption
    assert "爱国者" in found.text
    assert "电邮新闻" not in found.text and "订阅" not in found.text  # the newsletter teaser
    assert "<p><strong>为何要建设“T-Dome”？</strong></p>" in found.html  # bold once
    assert "<strong> <strong>" not in found.html


def test_bbc_burmese_simorgh() -> None:
    page = (PAGES / "sister-cms/bbc-simorgh/burmese_article.html").read_bytes()
    expected = (PAGES / "sister-cms/bbc-simorgh/burmese_article.txt").read_text()
    found = extract_article(page, "https://www.bbc.com/burmese/burma-45989453")
    assert found.status == "ok"
    for line in filter(None, map(str.strip, expected.splitlines())):
        assert line[:30] in found.text


def test_listing_pages_are_not_articles() -> None:
    page = (PAGES / "bbc-zhongwen/bbc_zhongwen.html").read_bytes()
    found = extract_article(page, "https://www.bbc.com/zhongwen/simp")
    assert found.status != "ok" or len(found.text) < 3000
