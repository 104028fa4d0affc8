"""Captioned figures the extractor dropped are put back after the paragraph they follow."""

from __future__ import annotations

from newsmirror.extract import extract_article

PARA = "This is a long paragraph of the article number {} with enough words to count as text."
PAGE = f"""<html><head><title>A story</title></head><body>
<nav><a href="/a">Home</a> <a href="/b">World</a></nav>
<article><h1>A story</h1>
<figure><img src="/img/lead.jpg"><figcaption>The lead picture of the story.</figcaption></figure>
<p>{PARA.format(1)}</p>
<p>{PARA.format(2)}</p>
<figure><div><div><img src="/img/first.jpg"></div></div>
<figcaption>The first picture, as the page captions it.</figcaption></figure>
<p>{PARA.format(3)}</p>
<aside class="related"><figure><img src="/img/teaser.jpg">
<figcaption>A teaser for another story.</figcaption></figure></aside>
<p>{PARA.format(4)}</p>
<p>{PARA.format(5)}</p>
</article>
<div class="footer"><p>Copyright notice of the site, all rights reserved.</p></div>
</body></html>"""


def test_captioned_figure_restored_in_place() -> None:
    found = extract_article(PAGE.encode(), "https://example.com/news/story.html")
    assert found.ok
    caption = '<div><small style="color: #999;">The first picture, as the page captions it.'
    figure = '<img src="https://example.com/img/first.jpg" width="100%">' + caption
    assert found.lead_image is not None and found.lead_image.src.endswith("lead.jpg")
    assert figure in found.html
    assert found.html.index("number 2") < found.html.index(figure) < found.html.index("number 3")
    assert "teaser.jpg" not in found.html
    assert "A teaser" not in found.html
