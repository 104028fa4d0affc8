"""Short lines that are content (a list of winners, names, results) stay in the article."""

from __future__ import annotations

import pytest
from lxml import etree

from newsmirror.extract import extract_article
from newsmirror.extract.tidy import trim

PARAGRAPHS = [
    "第十届青年文学奖今天在台北揭晓，评审团从三百多件投稿作品中选出十位得奖者，并举行颁奖典礼。",
    "评审团主席表示，今年的作品题材多元，许多作者关注环境与家庭议题，展现年轻世代的观察力。",
]
NAMES = ["王小明", "李大华", "陈美玲", "林志强", "张雅婷", "黄建国", "吴淑芬", "刘德明"]


@pytest.mark.parametrize("tag", ["p", "div"])
def test_names_introduced_by_a_colon_are_kept(tag: str) -> None:
    names = "".join(f"<{tag}>{name}</{tag}>" for name in NAMES)
    page = (
        f"<html><head><title>文学奖</title></head><body><article><h1>文学奖揭晓</h1>"
        f"{''.join(f'<p>{p}</p>' for p in PARAGRAPHS)}<p>得奖名单如下：</p>{names}</article>"
        "<footer>版权所有</footer></body></html>"
    )
    found = extract_article(page.encode(), "https://example.com/a")
    assert all(name in found.text for name in NAMES)


def test_short_linked_lines_after_a_colon_still_go() -> None:
    body = etree.Element("body")
    for text in [*PARAGRAPHS, "相关阅读："]:
        etree.SubElement(body, "p").text = text
    for name in NAMES:
        etree.SubElement(etree.SubElement(body, "p"), "ref", target="/n").text = name
    trim(body)
    assert ["".join(p.itertext()) for p in body][: len(PARAGRAPHS)] == PARAGRAPHS
    assert not any(name in "".join(body.itertext()) for name in NAMES)
