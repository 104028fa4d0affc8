"""The files of an adopted archive that are not an article's own file, and how they carry on.

An old archive's lists, its README and extra copies of an article (two files with one URL) are
recorded as they were in ``record/adopted.jsonl`` (one JSON object a line, appended, the last
line for a path wins) and projected from there: byte for byte while nothing new has come. Then
new list entries go on top of the old ones, which stay below exactly as they were (the oldest cut
when the list is full), and the README keeps what its owner wrote with only its block of list
links kept current, in place.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import unquote

ADOPTED_FILE = "record/adopted.jsonl"
LIST, README, COPY = "list", "readme", "copy"

# An item of an old list: a line that links to an article file ("9-1 [title](/articles/
# BBC/1_a%20b.md)"); a link to a folder ("[查看更多](/articles/BBC)") is not one.
ENTRY_LINE = re.compile(r"^[^\n]*\]\((?:[^)\s]*/)?articles/[^)\n]*\.md\)", re.MULTILINE)
# A line of the README's block of list links: "[name](lists/name.md)", maybe a list item.
LIST_LINK_LINE = re.compile(
    r"^(?P<bullet>[ \t]*(?:[-*+][ \t]+)?)\[(?:\\.|[^\\\]\n])*\]\((?P<lead>/?)lists/"
    r"(?P<target>[^)\n]*)\)[ \t]*$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class AdoptedFile:
    path: str  # relative to the archive root
    kind: str  # LIST, README or COPY
    text: str
    source: str = ""  # the source whose list this is
    article: str = ""  # the article this file is a copy of


def read_adopted(root: Path) -> dict[str, AdoptedFile]:
    """Every adopted file by path (a line cut short by a crash is skipped)."""
    found: dict[str, AdoptedFile] = {}
    try:
        lines = (root / ADOPTED_FILE).read_bytes().splitlines()
    except FileNotFoundError:
        return found
    for line in lines:
        try:
            adopted = AdoptedFile(**json.loads(line))
        except (ValueError, TypeError):
            continue
        found[adopted.path] = adopted
    return found


def append_adopted(root: Path, files: Iterable[AdoptedFile]) -> None:
    """Record ``files`` durably with one write (after a torn line, on a line of their own)."""
    data = "".join(json.dumps(asdict(f), ensure_ascii=False) + "\n" for f in files).encode()
    if not data:
        return
    path = root / ADOPTED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        size = os.fstat(handle).st_size
        if size and os.pread(handle, 1, size - 1) != b"\n":
            data = b"\n" + data
        os.write(handle, data)
        os.fsync(handle)
    finally:
        os.close(handle)


def carry_on_list(old: str, new_items: Sequence[str], size: int) -> str:
    """``old`` (a list as the old archive wrote it) with ``new_items`` on top of its entries and
    the oldest entries cut so that at most ``size`` remain; all else stays as it was."""
    new_items = list(new_items[:size])
    starts = [match.start() for match in ENTRY_LINE.finditer(old)]
    if not starts:
        if not new_items:
            return old
        gap = "" if old.endswith("\n\n") else "\n" if old.endswith("\n") else "\n\n"
        return old + gap + "\n\n".join(new_items) + "\n"
    head, body = old[: starts[0]], old[starts[0] :]
    # Between two entries: what the old list has there (a blank line, in the old scripts).
    between = old[starts[0] : starts[1]].split("\n", 1)[1] if len(starts) > 1 else "\n"
    gap = "\n" + between if not between.strip() else "\n\n"
    keep = size - len(new_items)
    if keep < len(starts):
        last = old[starts[-1] :]
        tail = last[len(last.split("\n", 1)[0]) :]  # what follows the last entry's line
        if keep <= 0:
            return head + gap.join(new_items) + tail  # the old entries all gone
        cut = old[starts[keep - 1] :]
        body = old[starts[0] : starts[keep - 1]] + cut.split("\n", 1)[0] + tail
    return head + "".join(f"{item}{gap}" for item in new_items) + body


def carry_on_readme(text: str, links: Sequence[tuple[str, str]]) -> str:
    """``text`` with a line for each ``(label, lists/... target)`` its block of list links lacks,
    added after the block's last line in the block's own style; nothing else changes."""
    block = list(LIST_LINK_LINE.finditer(text))
    linked = {_list_path(match["target"]) for match in block}
    missing = [(label, target) for label, target in links if _list_path(target) not in linked]
    if not missing:
        return text
    if not block:
        gap = "" if text.endswith("\n\n") or not text else "\n" if text.endswith("\n") else "\n\n"
        return text + gap + "".join(f"[{label}]({target})\n\n" for label, target in missing)
    last = block[-1]
    separator = text[block[-2].end() : block[-1].start()] if len(block) > 1 else "\n\n"
    lines = "".join(
        f"{separator}{last['bullet']}[{label}]({last['lead']}{target})" for label, target in missing
    )
    return text[: last.end()] + lines + text[last.end() :]


def _list_path(target: str) -> str:
    return "lists/" + unquote(target.removeprefix("lists/"))
