"""Where a hit matches: the title and a snippet of the text, matches marked, in the original text.

Matches are found in the folded text (simplified, lower case, without diacritics), which is as
long as the original, so the marks land on the original characters: a traditional article is
shown in traditional characters. Should folding ever change a text's length, the folded text is
shown instead.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

from newsmirror.search.model import Segments
from newsmirror.search.text import CJK, fold

SNIPPET_CHARS = 120
MAX_MATCH = 200  # characters a match can span (a query term is at most 64, plus separators)
_LEAD = SNIPPET_CHARS // 4  # context before the first match

_LATIN = f"[^\\W_{CJK[1:-1]}]"  # a letter or digit of a word (not CJK)
_PIECE = re.compile(f"{CJK}+|{_LATIN}+")
_ACCENTED = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")
_SPACE = re.compile(r"\s+")


@functools.cache
def _base(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    return decomposed[0] if all(unicodedata.combining(c) for c in decomposed[1:]) else char


def _plain(folded: str) -> str:
    """Without diacritics, as the tokenizer removes them; one character for one."""
    if not _ACCENTED.search(folded):
        return folded
    return _ACCENTED.sub(lambda m: _base(m.group()), folded)


def _term_pattern(term: str) -> str:
    """A term's pieces in order, with anything but letters and digits between them."""
    pieces = []
    for piece in _PIECE.findall(_plain(term)):
        if re.fullmatch(f"{CJK}+", piece):
            pieces.append(re.escape(piece))
        else:  # a whole word, as the tokenizer cuts words
            pieces.append(f"(?<!{_LATIN}){re.escape(piece)}(?!{_LATIN})")
    return r"[\W_]*".join(pieces)


def highlighter(terms: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern for the folded ``terms`` of a query, longest first; None if none."""
    patterns = [_term_pattern(t) for t in sorted(terms, key=len, reverse=True)]
    patterns = [p for p in patterns if p]
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def _folded(text: str) -> tuple[str, str]:
    """The text to show (the original unless folding changed its length) and the text to
    search, position for position."""
    folded = fold(text)
    return (text if len(folded) == len(text) else folded), _plain(folded)


def _spans(
    key: str, pattern: re.Pattern[str] | None, start: int = 0, end: int | None = None
) -> list[tuple[int, int]]:
    if pattern is None:
        return []
    found = pattern.finditer(key, start, len(key) if end is None else end)
    return [m.span() for m in found if m.end() > m.start()]


def _segments(shown: str, spans: list[tuple[int, int]], start: int, end: int) -> Segments:
    out: list[tuple[str, bool]] = []
    position = start
    for first, last in spans:
        first, last = max(first, start), min(last, end)
        if first >= last:
            continue
        if first > position:
            out.append((shown[position:first], False))
        out.append((shown[first:last], True))
        position = last
    if position < end:
        out.append((shown[position:end], False))
    return tuple((_SPACE.sub(" ", part), match) for part, match in out)


def marked_title(title: str, pattern: re.Pattern[str] | None) -> Segments:
    shown, key = _folded(title)
    return _segments(shown, _spans(key, pattern), 0, len(shown))


def snippet(text: str, pattern: re.Pattern[str] | None) -> Segments:
    """About ``SNIPPET_CHARS`` characters around the first match (the start if none)."""
    shown, key = _folded(text)
    first = pattern.search(key) if pattern else None
    start = max(0, min(first.start() - _LEAD if first else 0, len(shown) - SNIPPET_CHARS))
    end = min(len(shown), start + SNIPPET_CHARS)
    # Matches that begin before the window may reach into it.
    spans = _spans(key, pattern, max(0, start - MAX_MATCH), end)
    cut_before = (("…", False),) if start > 0 else ()
    cut_after = (("…", False),) if end < len(shown) else ()
    return cut_before + _segments(shown, spans, start, end) + cut_after
