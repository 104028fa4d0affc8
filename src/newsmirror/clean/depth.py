"""Nesting past a depth flattened before sanitizing, in one linear pass.

The HTML parser behind the sanitizer (html5ever, through nh3) spends time that grows with the
nesting depth for each element: a 20 MB body of nested ``<div>`` would take hours. Browsers
bound the depth of the tree they build (Blink at 512 elements) and attach deeper elements to
the last allowed one; ``limit_depth`` does the same to the markup itself: a start tag that would
open an element deeper than ``MAX_DEPTH`` is dropped, and so is its end tag, the content stays.

Depth is counted from the tags alone, the way a parser closes them: void elements open
nothing, an end tag closes what was opened since its start tag, a stray end tag closes
nothing, ``<p>``, ``<li>`` and their kind close one of their own just before them, and a block
(``<div>``, ``<ul>`` ...) closes a ``<p>`` just before it. Formatting elements closed out of
order too often lose their tags (``FORMATTING``). Markup
that never gets that deep comes back unchanged (the same string).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_DEPTH = 512
TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*>")
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta"}
    | {"param", "source", "track", "wbr"}
)
# A start tag of these closes an open element of its own name right before it (<p>a<p>b).
SELF_CLOSING = frozenset(["p", "li", "dt", "dd", "option", "tr", "td", "th"])
# A start tag of these closes an open <p> right before it (<p>a<div>b).
CLOSES_P = frozenset(
    {"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset"}
    | {"figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header"}
    | {"main", "menu", "nav", "ol", "p", "pre", "section", "table", "ul"}
)

# Formatting elements, which the parser reopens after an end tag of one of them closes others
# out of order (<em><strong>x</em>, <a><b>x</a>: the adoption agency): each such misnesting
# leaves one more element open, so the tree, and the parser's time, grow with their number.
# Past MAX_MISNESTED of them the body's formatting tags but links are dropped (text kept).
FORMATTING = frozenset(
    {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong"}
    | {"tt", "u"}
)
FORMATTING_TAG = re.compile(
    r"</?(?:b|big|code|em|font|i|nobr|s|small|strike|strong|tt|u)(?=[\s/>])[^>]*>", re.IGNORECASE
)
MAX_MISNESTED = 256


def limit_depth(html: str, limit: int = MAX_DEPTH) -> str:
    """``html`` with the tags of elements nested deeper than ``limit`` removed (and its
    formatting tags, when they are misnested more than ``MAX_MISNESTED`` times)."""
    if html.count("<") <= limit:
        return html  # too few tags to get that deep
    # Streamed, (slash, name) per tag: a list of them would add ~50 bytes per tag at the peak.
    cut, misnested = _walk(map(re.Match.groups, TAG.finditer(html)), limit)
    if misnested > MAX_MISNESTED:
        return limit_depth(FORMATTING_TAG.sub("", html), limit)  # none left to misnest
    if not cut:
        return html
    pieces, start = [], 0
    for index, match in enumerate(TAG.finditer(html)):
        if index in cut:
            pieces.append(html[start : match.start()])
            start = match.end()
    pieces.append(html[start:])
    return "".join(pieces)


def _walk(tags: Iterable[tuple[str, ...]], limit: int) -> tuple[set[int], int]:
    """The indexes of the tags to cut, and how many formatting elements were closed out of
    order, from the (end-slash, name) of every tag. Runs over every tag of a page: plain
    tuples and dicts, and the matches' positions are only looked up when something is cut."""
    misnested = 0
    stack: list[str] = []
    open_names: dict[str, int] = {}
    dropped: dict[str, int] = {}  # start tags dropped, by name, whose end tag goes too
    cut: set[int] = set()
    for index, (slash, raw) in enumerate(tags):
        name = raw.lower()
        if slash:  # an end tag
            if dropped.get(name):
                dropped[name] -= 1
                cut.add(index)
            elif open_names.get(name):
                while True:  # each element is popped once: linear over the whole body
                    top = stack.pop()
                    open_names[top] -= 1
                    if top == name:
                        break
                    misnested += name in FORMATTING and top in FORMATTING
        elif name not in VOID:
            if stack and (
                (name in SELF_CLOSING and stack[-1] == name)
                or (name in CLOSES_P and stack[-1] == "p")
            ):
                open_names[stack.pop()] -= 1
            if len(stack) >= limit:
                dropped[name] = dropped.get(name, 0) + 1
                cut.add(index)
            else:
                stack.append(name)
                open_names[name] = open_names.get(name, 0) + 1
    return cut, misnested
