"""Text to index terms, the same way for articles and for queries.

Folding: simplified and traditional Chinese become one (OpenCC ``t2s``: 臺灣 and 台湾, 國 and 国
index alike), compatibility forms become the letter or digit they stand for (full-width ``Ｇ２０``
is ``g20``), and everything is lower-cased. Folding never changes the length of a text (OpenCC's
``t2s`` maps character for character; the one character whose lower case is longer, ``İ``, and
compatibility forms that expand, such as ``…`` or ``㎡``, are left as they are), so a position in
the folded text is the same position in the original: snippets mark the original, traditional
characters and all.

Terms: Chinese has no spaces, so each run of CJK characters is indexed as its overlapping bigrams
plus the run's last character, ``俄乌战争`` as ``俄乌 乌战 战争 争``; other text as its words
(letters and digits, diacritics removed). ``terms`` makes every token, so FTS5's plain ``ascii``
tokenizer only splits them at spaces. The FTS5 table keeps a one-character prefix index: a query
of one character is the prefix query ``"中"*``, of two characters one bigram, of more a phrase of
bigrams (``"俄乌 乌战 战争"``).

Why bigrams, not one term per character (bench/search.py, 200,000 articles, 2 cores):

    terms                     build       index/record   rare 2-4 characters: p50 (p95)
    bigrams + prefix index    2,270 a/s   122%           5-9 ms (6-14 ms)
    one per character         2,200 a/s    49%           43-77 ms (70-136 ms)

With one term per character a word is a phrase of characters, and FTS5 compares the positions of
two of the commonest terms over their whole doclists to find the few articles where they meet; a
bigram is one short doclist. The price: an index 2.4 times larger, written more slowly (the
prefix index alone is a third of both).
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
CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
CJK = f"[{CJK_RANGES}]"
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"

_RUN = re.compile(f"({CJK}+)")
_WORD = re.compile(r"[^\W_]+")  # letters and digits
_MARK = re.compile(f"[{_MARKS}]")
# A CJK run, or a word: letters and digits that are not CJK, and the combining marks NFD makes
# of their diacritics (_words removes them).
_TOKEN = re.compile(f"({CJK}+)|((?:[^\\W_{CJK_RANGES}]|[{_MARKS}])+)")


@functools.cache
def _folding() -> tuple[re.Pattern[str], dict[str, str], opencc.OpenCC]:
    """What folding replaces before OpenCC, built on first use (it takes ~20 ms)."""
    table: dict[str, str] = {}
    # The BMP only: re matches a BMP class with a bitmap, any other with a list of ranges,
    # 15 times slower (the math letters past it are not news).
    for code in chain(range(0xD800), range(0xE000, 0x10000)):
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


def _words(text: str) -> str:
    """The words of text between CJK runs: letters and digits, without diacritics."""
    if not text.isascii():
        text = _MARK.sub("", unicodedata.normalize("NFD", text))
    return " ".join(_WORD.findall(text))


def terms(folded: str) -> str:
    """The index form of folded text, tokens separated by spaces: CJK runs as bigrams plus
    their last character, words as they are."""
    out = []
    for run, word in _TOKEN.findall(folded):
        if run:
            # Pairing each character with the next, or with a space after the last, makes the
            # bigrams and the final unigram in one pass.
            out.append(" ".join(map(add, run, run[1:] + " ")))
        else:
            out.append(word if word.isascii() else _words(word))
    return " ".join(out)


def index_form(text: str) -> bytes:
    """What the index is given for ``text``: its terms as UTF-8, which SQLite reads as text
    without the conversion a ``str`` costs (a tenth of the index's writing time)."""
    return terms(fold(text)).encode()


def has_terms(text: str) -> bool:
    """Whether there is anything to index in ``text``."""
    return _WORD.search(text) is not None


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
            out.append(_words(piece))
        elif n == last:
            out.append(_bigrams(piece) or piece)
        else:
            out.append(f"{_bigrams(piece)} {piece[-1]}")
    return " ".join(" ".join(out).split()), last > 0 and len(pieces[last]) == 1
