"""No page crashes extraction: hostile markup gives a status that says why, never a failure."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsmirror.extract import extract_article

PARAGRAPH = "这是一篇关于台湾国防预算的新闻报道，内容包括防空系统、导弹部署以及专家的分析意见。" * 3
TAGS = [
    "html", "head", "title", "body", "article", "div", "p", "br", "blockquote", "ul", "li",
    "table", "tr", "td", "script", "style", "a", "h2", "textarea", "noscript", "svg", "frameset",
]  # fmt: skip

markup = st.one_of(
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.integers(0, 0x11_0000).map(lambda n: f"&#{n};"),
    st.integers(0, 0x11_0000).map(lambda n: f"&#x{n:x}"),
    st.sampled_from(["&amp;", "&nbsp", "&bogus;", "<!--", "-->", "<![CDATA[", "<?xml ?>", "<"]),
    st.just(PARAGRAPH),
    st.text(max_size=40),
)


def _page(parts: list[str]) -> bytes:
    return "".join(parts).encode("utf-8", "surrogatepass")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(markup, max_size=40))
def test_hostile_markup_never_fails(parts: list[str]) -> None:
    found = extract_article(_page(parts), "https://example.com/a")
    assert not found.status.startswith("extraction failed"), found.status
    assert found.ok == bool(found.text)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([None, "text/html; charset=gbk", "text/html"]))
def test_any_bytes_never_fail(page: bytes, content_type: str | None) -> None:
    found = extract_article(page, None, content_type)
    assert not found.status.startswith("extraction failed"), found.status


def test_control_characters_are_no_text() -> None:
    page = f"<html><body><article><p>{PARAGRAPH}\b&#26;&#x8;{PARAGRAPH}</p></article></body></html>"
    found = extract_article(page.encode(), "https://example.com/a")
    assert found.ok
    assert "\b" not in found.text and "\x1a" not in found.text
    assert f"{PARAGRAPH}{PARAGRAPH}" in found.text


def test_body_left_inside_title() -> None:
    # An unclosed <title> takes the rest of the page as its text: nothing to extract, said so.
    page = f"<html><head><title>新闻</head><body><p>{PARAGRAPH}</p></body></html>"
    assert extract_article(page.encode(), "https://example.com/a").status == "no article found"


def test_references_to_characters_xml_cannot_hold_are_taken_out() -> None:
    from newsmirror.extract.decode import xml_safe

    assert xml_safe("a&#8;b&#x1F;c&#0026;d&#65534e\x00f") == "abcdef"
    kept = "&#8217; &#x4E2D; &#10; &#x9; &#32; &#260; &#x1F600;"
    assert xml_safe(kept) == kept
