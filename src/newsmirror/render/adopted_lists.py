"""An adopted archive's lists and README, carried on from what the old archive wrote.

The old lists and README are projected byte for byte while nothing new has come
(``record.adopted`` keeps them). Then new list entries go on top of the old ones, which stay
below exactly as they were (the oldest cut when the list is full), and the README keeps what
its owner wrote with only its block of list links kept current, in place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote

# An item of an old list: a line that links to an article file ("9-1 [title](/articles/
# BBC/1_a%20b.md)"); a link to a folder ("[查看更多](/articles/BBC)") is not one.
ENTRY_LINE = re.compile(r"^[^\n]*\]\((?:[^)\s]*/)?articles/[^)\n]*\.md\)", re.MULTILINE)
BULLET = re.compile(r"[ \t]*[-*+][ \t]+")  # of a Markdown list item
# A link to a list anywhere in the README: a line of its own, inline, in a table, a full URL,
# a reference ("[1]: lists/BBC.md"), HTML ("<a href='lists/BBC.md'>").
LIST_LINK = re.compile(r"(?<![^\s(\"'=/:<])lists/([^\s)\"'<>]+\.md)")
# A line of the README's block of list links: "[name](lists/name.md)", maybe a list item.
LIST_LINK_LINE = re.compile(
    r"^(?P<bullet>[ \t]*(?:[-*+][ \t]+)?)\[(?:\\.|[^\\\]\n])*\]\((?P<lead>/?)lists/"
    r"(?P<target>[^)\n]*)\)[ \t]*(?=\r?$)",
    re.MULTILINE,
)


def carry_on_list(old: str, new_items: Sequence[str], size: int) -> str:
    """``old`` (a list as the old archive wrote it) with ``new_items`` on top of its entries and
    the oldest entries cut so that at most ``size`` remain; all else stays as it was. New
    entries take the old ones' line ends (CRLF or LF), bullet and what lies between them."""
    nl = _newline(old)
    new_items = list(new_items[:size])
    starts = [match.start() for match in ENTRY_LINE.finditer(old)]
    if not starts:
        if not new_items:
            return old
        gap = "" if old.endswith(nl * 2) else nl if old.endswith(nl) else nl * 2
        return old + gap + (nl * 2).join(new_items) + nl
    head, body = old[: starts[0]], old[starts[0] :]
    bullet = BULLET.match(body)
    new_items = [bullet[0] + item for item in new_items] if bullet else new_items
    # Between two entries: what the old list has there (a blank line, in the old scripts).
    between = old[old.index("\n", starts[0]) + 1 : starts[1]] if len(starts) > 1 else nl
    gap = nl + between if not between.strip() else nl * 2
    keep = size - len(new_items)
    if keep < len(starts):
        last = old[starts[-1] :]
        tail = last[len(_line(last)) :]  # what follows the last entry's line
        if keep <= 0:
            return head + gap.join(new_items) + tail  # the old entries all gone
        body = old[starts[0] : starts[keep - 1]] + _line(old[starts[keep - 1] :]) + tail
    return head + "".join(f"{item}{gap}" for item in new_items) + body


def carry_on_readme(text: str, links: Sequence[tuple[str, str]]) -> str:
    """``text`` with a line for each ``(label, lists/... target)`` it does not link to anywhere,
    added after the last line of its block of list links in the block's own style (else at the
    end); nothing else changes."""
    block = list(LIST_LINK_LINE.finditer(text))
    linked = {_list_path(target) for target in LIST_LINK.findall(text)}
    missing = [(label, target) for label, target in links if _list_path(target) not in linked]
    if not missing:
        return text
    nl = _newline(text)
    if not block:
        gap = "" if text.endswith(nl * 2) or not text else nl if text.endswith(nl) else nl * 2
        return text + gap + "".join(f"[{label}]({target}){nl}{nl}" for label, target in missing)
    last = block[-1]
    separator = text[block[-2].end() : block[-1].start()] if len(block) > 1 else nl * 2
    lines = "".join(
        f"{separator}{last['bullet']}[{label}]({last['lead']}{target})" for label, target in missing
    )
    return text[: last.end()] + lines + text[last.end() :]


def _newline(text: str) -> str:
    """The line end a file of the old archive uses: CRLF when it has any, else LF."""
    return "\r\n" if "\r\n" in text else "\n"


def _line(text: str) -> str:
    """The first line of ``text``, without its line end."""
    return text.split("\n", 1)[0].removesuffix("\r")


def _list_path(target: str) -> str:
    return "lists/" + unquote(target.removeprefix("lists/"))
