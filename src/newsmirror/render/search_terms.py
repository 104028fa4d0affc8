"""The static site's search terms: the index's own terms, in a form Pagefind keeps whole.

Pagefind cuts Chinese with its own dictionary, stems, and matches a word against every word it
begins; the reader's index (``search.text``) folds simplified and traditional together and cuts
Chinese into overlapping bigrams. For the site's search to find what ``newsmirror search`` finds,
each latest article page carries the index's terms of its title and text in a hidden element,
the only part of the page Pagefind indexes, and ``search.js`` folds and cuts a query the same
way before it asks Pagefind.

A term is written as the hex digits of its UTF-16 code units (four a character: a Chinese
bigram in eight, a third shorter than UTF-8) and a ``z``, a letter hex never uses, so Pagefind
sees one plain word it neither cuts nor stems: asked for ``<hex>z`` it can only find that very
term, and asked for ``<hex>`` without the ``z``, every term that begins with those characters
(the prefix a one-character Chinese query needs). The title's terms and the text's are kept apart
by ``zz``, which no term can be, so a phrase never runs from one into the other, as in the index's
separate columns. ``search.js`` checks phrases by the positions Pagefind reports for each term.

The browser folds the query with ``fold.json``: for every character of the Basic Multilingual
Plane that ``search.text.fold`` changes, the character and what it becomes (OpenCC's ``t2s``
character by character; OpenCC's few phrase-level conversions are not in it).
"""

from __future__ import annotations

import functools
import json
from itertools import chain

from newsmirror.search.text import fold, terms
from newsmirror.text.dateline import text_without_date_line

SEPARATOR = "zz"  # between the title's terms and the text's
FOLD_TABLE = "fold.json"  # under the site's static/


def _encoded(text: str) -> str:
    cut = " ".join(terms(fold(text)).split())
    if not cut:
        return ""
    # The whole text in hex at once, a space after each code unit, so that the spaces between
    # terms are whole "0020" groups: they end a term, and the other spaces go. Four times as
    # fast as encoding term by term.
    units = cut.encode("utf-16-be").hex(" ", -2)
    return units.replace("0020", "z|").replace(" ", "").replace("|", " ") + "z"


def page_terms(title: str, text: str) -> str:
    """What the hidden element of an article's page holds: the terms the index has, so without
    the body's date line (``search.documents``)."""
    return f"{_encoded(title)} {SEPARATOR} {_encoded(text_without_date_line(text))}"


@functools.cache
def fold_table() -> bytes:
    """``fold.json``: one string, each character ``fold`` changes followed by what it becomes."""
    chars = [chr(code) for code in chain(range(0xD800), range(0xE000, 0x10000)) if code != 10]
    # Each character alone on a line: OpenCC converts them one by one, never as a phrase.
    folded = fold("\n".join(chars)).split("\n")
    pairs = "".join(a + b for a, b in zip(chars, folded, strict=True) if a != b)
    return json.dumps(pairs, ensure_ascii=False).encode()
