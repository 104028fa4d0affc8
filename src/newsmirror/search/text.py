"""Text to index terms, the same way for articles and for queries.

Folding: simplified and traditional Chinese become one (OpenCC ``t2s``: 臺灣 and 台湾, 國 and 国
index alike), compatibility forms become the letter or digit they stand for (full-width ``Ｇ２０``
is ``g20``), and everything is lower-cased. Folding never changes the length of a text (OpenCC's
``t2s`` maps character for character; the one character whose lower case is longer, ``İ``, and
compatibility forms that expand, such as ``…`` or ``㎡``, are left as they are), so a position in
the folded text is the same position in the original: snippets mark the original, traditional
characters and all.

Terms: Chinese has no spaces, so each run of CJK characters is indexed as its overlapping bigrams
plus the run's last character, ``俄乌战争`` as ``俄乌 乌战 战争 争``; everything else is left to
SQLite's ``unicode61`` tokenizer (words, case, diacritics). The FTS5 table keeps a one-character
prefix index, so a query of one character is the prefix query ``"中"*``, two characters are one
bigram, and more are a phrase of bigrams (``"俄乌 乌战 战争"``).

Why bigrams and not one term per character: `bench/search.py` on 200,000 articles. Both answer
the newest matches of any query in under a millisecond, but ranking needs bm25(), which counts
every document a phrase matches, and a phrase of characters (``"中 国"``) must walk the
positions of two of the commonest terms in the index to count them: p50 25-45 ms, worst over
200 ms for two to four characters. A bigram is one short doclist to count: every query length
stays within the latency targets. The price: a larger index (the prefix index doubles the
postings) and slower building, measured in the bench.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from itertools import chain
from operator import add

import opencc

# A CJK character (ideographs, compatibility ideographs, kana, hangul): Chinese and Japanese have
# no spaces to split words on, so these are never part of a Latin-style word.
CJK = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]"

_RUN = re.compile(f"({CJK}+)")
_TOKEN_CHAR = re.compile(r"[^\W_]")  # what unicode61 keeps: letters and digits


@functools.cache
def _folding() -> tuple[re.Pattern[str], dict[str, str], opencc.OpenCC]:
    """What folding replaces before OpenCC, built on first use (it takes ~20 ms)."""
    table: dict[str, str] = {}
    for code in chain(range(0xD800), range(0xE000, 0x10000), range(0x1D400, 0x1D800)):
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        # Only one-for-one replacements that make a letter or digit: punctuation never becomes
        # a term, and keeping the length keeps snippet positions exact.
        if folded != char and len(folded) == 1 and folded.isalnum():
            table[char] = folded
    table["\u0130"] = "i"  # 'İ'.lower() is two characters
    # Control characters and lone surrogates become spaces: OpenCC cannot encode a surrogate.
    ranges = [[0x00, 0x08], [0x0B, 0x0C], [0x0E, 0x1F], [0x7F, 0x9F], [0xD800, 0xDFFF]]
    for code in sorted(map(ord, table)):
        if code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    # As ranges: a class of 2,600 single characters makes re 20 times slower.
    pattern = re.compile("[" + "".join(f"{_escape(a)}-{_escape(b)}" for a, b in ranges) + "]")
    return pattern, table, opencc.OpenCC("t2s")


def _escape(code: int) -> str:
    return re.escape(chr(code))


def fold(text: str) -> str:
    """``text`` in the one form the index knows; always exactly as long as ``text``."""
    pattern, table, converter = _folding()
    if pattern.search(text):
        text = pattern.sub(lambda m: table.get(m.group(), " "), text)
    folded: str = converter.convert(text).lower()
    return folded


def _bigrams(run: str) -> str:
    return " ".join(map(add, run, run[1:]))


def terms(folded: str) -> str:
    """The index form of folded text: CJK runs as bigrams plus their last character."""
    pieces = _RUN.split(folded)  # text, run, text, run, ..., text
    # Pairing each character with the next, or with a space after the last, makes the bigrams
    # and the final unigram in one pass.
    pieces[1::2] = [f" {' '.join(map(add, run, run[1:] + ' '))} " for run in pieces[1::2]]
    return "".join(pieces)


def has_terms(text: str) -> bool:
    """Whether the tokenizer finds anything to index in ``text``."""
    return _TOKEN_CHAR.search(text) is not None


def query_terms(folded: str) -> tuple[str, bool]:
    """The index form of one query term, and whether its last token is a prefix.

    As ``terms``, except at the end: a document's run goes on past the query's, so a final run
    of two or more characters ends on its last bigram, and a final lone character can only be
    the start of some token (a prefix query).
    """
    pieces = _RUN.split(folded)  # text, run, text, run, ..., text
    last = len(pieces) - 2 if len(pieces) > 1 and not has_terms(pieces[-1]) else -1
    out: list[str] = []
    for n, piece in enumerate(pieces):
        if n % 2 == 0:
            out.append(piece)
        elif n == last:
            out.append(f" {_bigrams(piece) or piece} ")
        else:
            out.append(f" {_bigrams(piece)} {piece[-1]} ")
    return "".join(out), last > 0 and len(pieces[last]) == 1
