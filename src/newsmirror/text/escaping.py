"""Text and URLs as the mirror's Markdown writes them (spec/mirror-format.md), in one place.

Every writer of ``articles/``, ``lists/`` and ``README.md`` takes titles, names and link targets
from here, and the reader, the site and the feeds take their outbound links from ``http_url``,
so no title, name or URL reaches an output as markup or as a script:

- ``escape_title``: a title or a source name as inline text. White space folded, control
  characters dropped, ``\\ [ ]`` escaped with a backslash (the link around it always closes) and
  ``< > &`` written as HTML entities (no renderer that allows raw HTML finds a tag, an autolink or
  an entity in it). Text without these characters comes out unchanged.
- ``escape_line``: the same for text that starts a line (a list's heading, a title without a
  link), which also must not open a Markdown block: a leading ``# = - + * _ ` ~`` is escaped
  with a backslash, and so is the ``.`` or ``)`` of a leading number (``1.``).
- ``http_url``: the URL, WHATWG-normalized, when it is ``http`` or ``https``; None otherwise.
- ``link_target``: an ``http_url`` with ``( ) < >``, spaces and backslashes percent-encoded, so
  a Markdown link destination cannot end early or escape its closing parenthesis.
- ``markdown_link``: ``[text](target)``; a URL that is not http(s) written as text after it.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from newsmirror.text.urls import is_http, normalize_url

# White space (tab, newlines) is folded, not dropped: "a\nb" reads "a b".
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MARKDOWN = re.compile(r"([\\\[\]])")
_BLOCK_START = re.compile(r"^(?:[#=+*_`~-]|\d{1,9}(?=[.)]))")
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# A backtick too: WHATWG leaves it raw in a query, and a code span opened in the title would
# close there and swallow the link.
_DESTINATION = str.maketrans(
    {"(": "%28", ")": "%29", "<": "%3C", ">": "%3E", " ": "%20", "\\": "%5C", "`": "%60"}
)


def escape_title(text: str) -> str:
    """A title or a name as Markdown inline text: no tag, link, autolink or entity in it."""
    folded = " ".join(_CONTROLS.sub("", text).split())
    return _MARKDOWN.sub(r"\\\1", folded).translate(_ENTITIES)


def escape_line(text: str) -> str:
    """``escape_title`` for text at the start of a line: it stays a paragraph's text."""
    escaped = escape_title(text)
    marker = _BLOCK_START.match(escaped)
    if marker is None:
        return escaped
    end = marker.end()
    if escaped[0].isdigit():  # 1. or 1) would open an ordered list: escape what follows
        return f"{escaped[:end]}\\{escaped[end:]}"
    return f"\\{escaped}"


def http_url(url: str | None) -> str | None:
    """``url`` normalized (WHATWG) when its scheme is http or https, else None."""
    if not url:
        return None
    normalized = normalize_url(url)
    return normalized if normalized and is_http(normalized) else None


def link_target(url: str | None) -> str | None:
    """``url`` as a Markdown link destination; None unless it is http(s)."""
    normalized = http_url(url)
    return normalized.translate(_DESTINATION) if normalized else None


# What a Markdown link target cannot hold raw: white space and controls, the characters that
# end or confuse it, and "%" itself (so that an encoded name is not decoded into another).
_UNSAFE_IN_PATH = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029()<>\[\]\\%\"'`#?]")


def path_target(path: str) -> str:
    """An archive path as a Markdown link target: what Markdown does not take raw
    percent-encoded (as UTF-8), all else (Chinese included) as it is, like the old lists."""
    return _UNSAFE_IN_PATH.sub(lambda match: quote(match[0], safe=""), path)


def markdown_link(text: str, url: str | None) -> str:
    """``[text](url)`` with both escaped (``[text]()`` without a URL); a URL that is not
    http(s) is written as text after the title, which then starts a line on its own."""
    if not url:
        return f"[{escape_title(text)}]()"
    target = link_target(url)
    if target is None:
        return f"{escape_line(text)} ({escape_title(url)})"
    return f"[{escape_title(text)}]({target})"
