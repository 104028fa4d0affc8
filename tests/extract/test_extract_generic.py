"""Markup that any site may use, read as a browser reads it: bookmarks and script links are no
links, a self-closed <style/> still holds CSS, and a page of a few words is its own content."""

from __future__ import annotations

from newsmirror.extract import extract_article

PARAGRAPHS = [
    "The harbour authority opened the new ferry terminal on Monday after three years of work.",
    "Ferries to the islands will leave every forty minutes, twice as often as from the old pier.",
    "The old terminal closes at the end of the month and will be turned into a market hall.",
    "Local shops said they expect more visitors once the market opens in the spring next year.",
]


def page(body: str, title: str = "Ferry terminal") -> bytes:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>".encode()


def test_bookmark_anchors_before_paragraph_text_are_no_links() -> None:
    # Index terms and bookmarks (<a id=...></a>) lead paragraphs in books and manuals.
    paragraphs = "".join(
        f'<p><a id="term-{i}" data-type="indexterm"></a>{text}</p>'
        for i, text in enumerate(PARAGRAPHS)
    )
    found = extract_article(page(f"<article>{paragraphs}</article>"), "https://example.com/a")
    assert found.ok, found.status
    assert all(text in found.text for text in PARAGRAPHS)


def test_self_closed_style_still_holds_its_css() -> None:
    css = "<style type='text/css' />body { margin: 0 0 0 0; } #top { padding: 3px; }</style>"
    paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    found = extract_article(
        page(f"<article><div id='top'>{css}</div>{paragraphs}</article>"), "https://example.com/a"
    )
    assert found.ok, found.status
    assert "margin" not in found.text and PARAGRAPHS[0] in found.text


def test_a_page_of_a_few_words_is_its_own_content() -> None:
    notice = "Ferry office closed today."
    found = extract_article(page(f"<main><div><div>{notice}</div></div></main>"), None)
    assert found.ok, found.status
    assert found.text == notice


def test_headings_over_pictures_are_the_content() -> None:
    figures = "".join(
        f'<h2>Pier {n}</h2><img data-src="https://example.com/pier-{n}.jpg" alt="">' for n in (1, 2)
    )
    found = extract_article(page(f"<article>{figures}</article>"), "https://example.com/a")
    assert found.ok, found.status
    assert "Pier 1" in found.text and "Pier 2" in found.text
    shown = [found.lead_image.src if found.lead_image else "", *(i.src for i in found.images)]
    assert shown == ["https://example.com/pier-1.jpg", "https://example.com/pier-2.jpg"]


def test_text_inside_a_script_link_is_text() -> None:
    body = '<a href="javascript:void(0)"><p>Timetable</p><p>Fares</p>Harbour map</a>'
    found = extract_article(page(body), "https://example.com/a")
    assert found.ok, found.status
    assert found.text.split("\n") == ["Timetable", "Fares", "Harbour map"]
    assert "javascript" not in found.html


def test_a_few_words_that_are_a_shell_or_an_error_are_no_article() -> None:
    for words in (
        "Please enable JavaScript to view this page.",
        "404 Not Found",
        "Loading…",
        "页面不存在",
    ):
        found = extract_article(page(f"<div>{words}</div>"), "https://example.com/a")
        assert not found.ok, words


def test_a_page_of_a_few_links_is_no_article() -> None:
    links = "".join(f'<a href="/s/{n}">Section {n}</a> ' for n in range(4))
    assert not extract_article(page(f"<nav>{links}</nav>"), "https://example.com/").ok
