"""Text alternatives for the images of a body: an image's caption (the mirror format's
``<div><small style="color: #999;">`` after it, or a ``<figcaption>``), else the article's title.
Bodies come without them (the mirror format has none); the reader's and the site's pages need
them, for screen readers and for images that do not load."""

from __future__ import annotations

import re
from html import escape, unescape

_IMG = re.compile(
    r"<img\b(?![^>]*\salt=)([^>]*?)\s*/?>"
    r'(\s*(?:<div><small style="color: #999;">(.*?)</small></div>'
    r"|<figcaption>(.*?)</figcaption>))?",
    re.DOTALL,
)
_TAG = re.compile(r"<[^>]*>")


def with_alt(html: str, title: str) -> str:
    """``html`` with an ``alt`` on every ``<img>`` that has none."""

    def add(found: re.Match[str]) -> str:
        caption = found[3] if found[3] is not None else found[4] or ""
        text = " ".join(unescape(_TAG.sub(" ", caption)).split()) or " ".join(title.split())
        return f'<img{found[1]} alt="{escape(text)}">{found[2] or ""}'

    return _IMG.sub(add, html)
