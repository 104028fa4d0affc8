"""Bad pages give a clear status and never an exception."""

from __future__ import annotations

from newsmirror.extract import extract_article

PARAGRAPH = "这是一篇关于台湾国防预算的新闻报道，内容包括防空系统、导弹部署以及专家的分析意见。" * 3


def article(body: str, head: str = "", title: str = "新闻") -> str:
    head += f"<title>{title}</title>"
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


def test_empty_page() -> None:
    assert extract_article(b"", "https://example.com/a").status == "empty page"
    assert extract_article(b"   \n ", None).status == "empty page"


def test_not_html() -> None:
    assert extract_article(b"%PDF-1.7 ...", None).status == "not HTML"
    assert extract_article(b"<html></html>", None, "image/png").status == "not HTML"


def test_all_navigation_page() -> None:
    links = "".join(f'<li><a href="/n/{i}">栏目 {i}</a></li>' for i in range(200))
    page = f"<html><body><nav><ul>{links}</ul></nav><footer>版权所有</footer></body></html>"
    assert extract_article(page.encode(), "https://example.com/").status == "no article found"


def test_broken_html() -> None:
    page = f"<html><body><div><p>{PARAGRAPH}<p>{PARAGRAPH}<div><b>未闭合".encode()
    found = extract_article(page, "https://example.com/a")
    assert found.status == "ok"
    assert "防空系统" in found.text


def test_gbk_labelled_utf8() -> None:
    page = article(f"<p>{PARAGRAPH}</p><p>{PARAGRAPH}</p>").encode("gbk")
    found = extract_article(page, "https://example.com/a", "text/html; charset=utf-8")
    assert found.status == "ok"
    assert "防空系统" in found.text


def test_big5() -> None:
    text = "這是一篇關於臺灣國防預算的新聞報導，內容包括防空系統、飛彈部署以及專家的分析意見。" * 3
    # HKSCS bytes under a plain "big5" label: read through the superset, as browsers do.
    raw = article(f"<p>{text}</p><p>{text}</p>", '<meta charset="big5">', "新聞")
    page = raw.encode("big5hkscs")
    found = extract_article(page, "https://example.com/a")
    assert found.status == "ok"
    assert "防空系統" in found.text


def test_consent_page() -> None:
    page = article(
        "<div class='consent'><h2>We value your privacy</h2><p>We use cookies. "
        "<button>Accept all cookies</button></p></div>"
    )
    assert extract_article(page.encode(), "https://example.com/a").status == (
        "consent or paywall page"
    )


def test_fifty_megabyte_page() -> None:
    filler = b"<div class='x'><p>filler text here</p></div>\n" * (50_000_000 // 45)
    page = article(f"<p>{PARAGRAPH}</p>").encode()[:-22] + filler + b"</body></html>"
    assert len(page) > 50_000_000
    found = extract_article(page, "https://example.com/a")
    assert "truncated" in found.extra  # cut at the cap, so it cannot take long
    assert found.status  # whatever was found, a status and no exception


def test_garbage_bytes() -> None:
    found = extract_article(bytes(range(256)) * 100, None)
    assert found.status != "ok" or found.text


def test_article_above_a_long_list_of_links() -> None:
    # 80% of the page's text is link text, but the block that holds the article is prose.
    paragraphs = "".join(f"<p>第{n}段：{PARAGRAPH}</p>" for n in ("一", "二", "三"))
    related = "".join(
        f'<li><a href="/n/{i}">相关报道：立法院审查国防预算第{i}次会议纪要与各党团意见整理</a></li>'
        for i in range(60)
    )
    page = (
        f"<html><head><title>国防预算</title></head><body><article><h1>国防预算</h1>{paragraphs}"
        f"</article><div><ul>{related}</ul></div></body></html>"
    )
    found = extract_article(page.encode(), "https://example.com/a")
    assert found.ok, found.status
    assert "第三段" in found.text and "会议纪要" not in found.text
