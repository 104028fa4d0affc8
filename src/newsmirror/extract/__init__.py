"""Main-content extraction from an article page.

    extract_article(page, url, content_type) -> Extraction

``page`` is the raw HTTP body in any encoding. The function never raises for bad input; it
returns an Extraction whose ``status`` is ``ok`` or says why nothing usable was found: ``empty
page``, ``not HTML``, ``no article found``, ``consent or paywall page``, ``extraction failed: …``.
Pages over ``pipeline.MAX_BYTES`` are cut there first (``extra["truncated"]`` says so): no
article is that long, and parsing 50 MB of markup would cost seconds and hundreds of MB.
``rules`` replaces the per-site rules of ``rules.toml`` (the benchmark's leave-site-out score
runs each page without the rules for its own site).

``html`` is the article content in the mirror format's shape without the date line and without
the lead image, which the writer puts above it (``lead_image``); ``text`` is its plain text.
"""

from __future__ import annotations

from newsmirror.extract.model import EXTRACTOR, Extraction, Image
from newsmirror.extract.rules import SiteRule


def extract_article(
    page: bytes,
    url: str | None,
    content_type: str | None = None,
    *,
    rules: tuple[SiteRule, ...] | None = None,
) -> Extraction:
    # The pipeline is imported on first use: trafilatura takes a tenth of a second to import,
    # which every command would pay, and most runs never extract a page.
    from newsmirror.extract.pipeline import extract_article as extract

    return extract(page, url, content_type, rules=rules)


__all__ = ["EXTRACTOR", "Extraction", "Image", "extract_article"]
