"""An article's history from the record: its revisions, what changed between two, recent edits."""

from __future__ import annotations

import difflib
import re

from newsmirror.archive.archive import Archive
from newsmirror.errors import UnknownArticle
from newsmirror.record.model import Revision
from newsmirror.search.text import CJK
from newsmirror.store.model import Change

# A CJK character is a word of its own (Chinese has no spaces to split on); elsewhere a word is
# a run of \w, and everything between words (spaces, punctuation) is a token too.
TOKEN = re.compile(rf"{CJK}|\w+|\s+|[^\w\s]")


def history(archive: Archive, reference: str) -> list[Revision]:
    """Every revision of the article named by id, mirror path or URL, oldest first."""
    article = archive.store.resolve(reference)
    if article is None:
        raise UnknownArticle(
            f"no article {reference!r} in this archive; give its id, its file's path or its URL"
        )
    return archive.revisions(article)


def changes(archive: Archive, since: str) -> list[Change]:
    """Every revision after the first fetched since ``since``, oldest first."""
    return archive.store.changes_since(since)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) runs: ``=`` kept, ``-`` removed, ``+`` added; per word, per CJK character."""
    before, after = TOKEN.findall(old), TOKEN.findall(new)
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("=", "".join(before[a1:a2])))
            continue
        if a2 > a1:
            runs.append(("-", "".join(before[a1:a2])))
        if b2 > b1:
            runs.append(("+", "".join(after[b1:b2])))
    return runs


def render_diff(runs: list[tuple[str, str]]) -> str:
    """As ``git diff --word-diff`` writes it: ``[-removed-]{+added+}``."""
    marks = {"=": ("", ""), "-": ("[-", "-]"), "+": ("{+", "+}")}
    return "".join(marks[op][0] + text + marks[op][1] for op, text in runs)
