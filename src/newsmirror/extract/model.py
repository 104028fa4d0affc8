"""What extraction finds in an article page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Recorded with every body extracted from a page, so that a change of extractor is never
# mistaken for an edit of the article. Bump the version when extraction output changes.
EXTRACTOR = "newsmirror-extract/4"


@dataclass(frozen=True)
class Image:
    src: str  # absolute URL
    caption: str = ""


@dataclass(frozen=True)
class Extraction:
    """The article in a page. ``status`` is ``ok`` or says why nothing usable was found."""

    status: str
    url: str | None = None  # the page's canonical URL when it names one, else the URL given
    title: str = ""
    published: datetime | None = None  # aware, UTC
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    lead_image: Image | None = None
    images: tuple[Image, ...] = ()  # inline images in body order (the lead image excluded)
    html: str = ""  # the body: <p>, <p><strong> sub-headings, links, images, captions, lists...
    text: str = ""  # plain text of the body, one line per block
    next_page: str | None = None  # absolute URL of the article's next page, if it has one
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "ok"
