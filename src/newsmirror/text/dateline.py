"""The date line a body begins with, in the mirror format: ``<div><i>Sat, 15 Feb 2025 07:10:40
GMT</i></div>`` (newsmirror's own extractions, and the old scripts'), an ISO time after a
``<br>`` (the old scripts' DW articles) or a Chinese date (``2020年 9月 1日``, their BBC
articles). The mirror files keep it, as the format has it; the reader and the site show the date
in the article's header and search snippets in their own line, so they leave it out, and the
search index leaves it out of what it indexes (or ``GMT``, ``Nov`` and ``2025`` would find every
article)."""

from __future__ import annotations

import re

_DATE = (
    r"(?:[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}(?::\d{2})? (?:GMT|UTC|[+-]\d{4})"
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}[\d:.]*(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{4}年\s?\d{1,2}月\s?\d{1,2}日(?:\s?\d{1,2}:\d{2}(?::\d{2})?)?)"
)
# The old DW articles' date line has a byline before the time ("Hans Pfeifer<br>2024-…"): it
# stays, only the time goes.
_HTML = re.compile(
    rf"\A\s*<div><i>(?:(?P<byline>[^<]{{0,80}})<br\s*/?>)?\s*{_DATE}\s*</i></div>\s*"
)
_TEXT = re.compile(rf"\A\s*(?P<byline>[^\n]{{1,80}}\n[ \t]*)?{_DATE}[ \t]*(?:\n\s*|\Z)")


def without_date_line(html: str) -> str:
    def byline(match: re.Match[str]) -> str:
        name = (match["byline"] or "").strip()
        return f"<div><i>{name}</i></div>" if name else ""

    return _HTML.sub(byline, html, count=1)


def text_without_date_line(text: str) -> str:
    return _TEXT.sub(lambda match: match["byline"] or "", text, count=1)
