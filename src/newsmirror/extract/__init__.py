"""Main-content extraction from an article page.

    extract_article(page, url, content_type) -> Extraction

``page`` is the raw HTTP body in any encoding. The function never raises for bad input; it
returns an Extraction whose ``status`` is ``ok`` or says why nothing usable was found: ``empty
page``, ``not HTML``, ``no article found``, ``consent or paywall page``, ``extraction failed: …``.
Pages over ``MAX_BYTES`` are cut there first (``extra["truncated"]`` says so): no article is that
long, and parsing 50 MB of markup would cost seconds and hundreds of MB for nothing.

``html`` is the article content in the mirror format's shape without the date line and without
the lead image, which the writer puts above it (``lead_image``); ``text`` is its plain text.
"""

from __future__ import annotations

from newsmirror.extract.model import Extraction, Image
from newsmirror.extract.pipeline import MAX_BYTES, extract_article

__all__ = ["MAX_BYTES", "Extraction", "Image", "extract_article"]
