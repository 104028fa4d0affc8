"""Where an article ends: end markers and disclaimers decided by the structure that follows."""

from __future__ import annotations

from lxml import etree

from newsmirror.extract import extract_article
from newsmirror.extract.rules import furniture
from newsmirror.extract.tidy import strip_furniture

PARAGRAPHS = [
    "行政院今天通过明年度中央政府总预算案，总额新台币二兆八千八百亿元，较今年增加百分之三点五。",
    "行政院发言人表示，预算重点包括国防、社会福利与基础建设，其中国防预算占国内生产毛额百分之二点五。",
    "立法院预计下周开始审查，朝野党团已就审查时程初步达成共识，在野党则表示将严格把关每一笔支出。",
]
DISCLAIMER = (
    "免责声明：本文仅代表作者个人观点，与本网站无关，其原创性以及文中陈述文字和内容未经本站证实。"
)
LINKS = [f"热门新闻标题第{i}则" for i in range(6)]


def blocks(*lines: str, linked: tuple[str, ...] = ()) -> etree._Element:
    body = etree.Element("body")
    for line in lines:
        p = etree.SubElement(body, "p")
        if line in linked:
            etree.SubElement(p, "ref", target="/n").text = line
        else:
            p.text = line
    return body


def kept(body: etree._Element) -> list[str]:
    strip_furniture(body, furniture())
    return ["".join(p.itertext()) for p in body]


def test_decorated_marker_before_a_list_of_links_ends_the_article() -> None:
    body = blocks(*PARAGRAPHS, "▌最熱門新聞", *LINKS, linked=tuple(LINKS))
    assert kept(body) == PARAGRAPHS


def test_long_disclaimer_after_the_last_paragraph_goes_and_the_paragraph_stays() -> None:
    assert len(DISCLAIMER) > 40
    assert kept(blocks(*PARAGRAPHS, DISCLAIMER, "社会", "娱乐")) == PARAGRAPHS


def test_marker_words_followed_by_more_article_are_text() -> None:
    # A short line with marker words in it, followed by more paragraphs, is a sub-heading.
    lines = [PARAGRAPHS[0], "最熱門新聞的背後", *PARAGRAPHS[1:]]
    assert kept(blocks(*lines)) == lines
    with_disclaimer_inside = [PARAGRAPHS[0], DISCLAIMER, *PARAGRAPHS[1:]]
    assert kept(blocks(*with_disclaimer_inside)) == with_disclaimer_inside


def test_whole_line_marker_still_ends_the_article() -> None:
    assert kept(blocks(*PARAGRAPHS, "相关新闻", PARAGRAPHS[0] + "另一则。")) == PARAGRAPHS


def test_page_with_disclaimer_and_hot_list() -> None:
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    hot = "".join(f'<p><a href="/n/{i}">{line}</a></p>' for i, line in enumerate(LINKS))
    page = (
        f"<html><head><title>预算</title></head><body><div><h1>总预算案</h1>{article}"
        f"<p>{DISCLAIMER}</p><p>▌最熱門新聞</p>{hot}</div></body></html>"
    )
    found = extract_article(page.encode(), "https://example.com/a")
    assert found.text.splitlines()[-1] == PARAGRAPHS[-1]
