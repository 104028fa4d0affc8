"""Block quotes keep all their text: blocks, and the loose lines between line breaks."""

from __future__ import annotations

from lxml import etree

from newsmirror.extract import extract_article
from newsmirror.extract.body import render


def test_quote_with_blocks_keeps_text_between_line_breaks() -> None:
    quote = etree.fromstring(
        "<body><quote>开头一句<p>第一段引文。</p>第二行文字<lb/>第三行文字<hi rend='#b'>加粗</hi>"
        "<lb/>第四行文字<p>第二段引文。</p>结尾一句</quote></body>"
    )
    html = render(quote, None, {}, None).html
    assert html.startswith("<blockquote>") and html.endswith("</blockquote>")
    for text in (
        "开头一句",
        "第一段引文",
        "第二行文字",
        "第三行文字",
        "加粗",
        "第四行文字",
        "结尾一句",
    ):
        assert text in html
    assert html.index("第二行文字") < html.index("第四行文字") < html.index("第二段引文")


def test_quoted_letter_on_a_page() -> None:
    lines = [f"第{n}行：这是信件中的一句话，记录了当时的情况和作者的感受。" for n in range(1, 6)]
    paragraph = "这是一篇关于一封公开信的新闻报道，信件在网上广泛流传，引发了社会各界的讨论。" * 2
    page = (
        f"<html><head><title>公开信</title></head><body><article><h1>公开信</h1><p>{paragraph}</p>"
        f"<blockquote><p>致各位读者：</p>{'<br>'.join(lines)}<p>此致敬礼。</p></blockquote>"
        f"<p>{paragraph}</p></article></body></html>"
    )
    found = extract_article(page.encode(), "https://example.com/a")
    for line in lines:
        assert line in found.text
