"""Any text a user types, as a safe FTS5 MATCH expression.

The language: words and CJK strings (``普京 Putin``, ``G20峰会``), ``"phrases in quotes"`` (the
words next to each other), ``-word`` and ``-"a phrase"`` (and ``NOT word``) to exclude. Every
term must match; ``AND``, ``OR`` and ``NEAR`` in capitals are not operators and are skipped, as
is anything with nothing to index (punctuation, ``*``). User text only ever reaches FTS5 inside a
double-quoted string, where nothing but the quote itself is special, so no input can be read as
FTS5 syntax: column filters, operators and parentheses are text like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsmirror.search.text import CJK, fold, has_terms, query_terms

MAX_CHARS = 1000  # of the query; the rest is ignored
MAX_TERMS = 16
MAX_TERM_CHARS = 64

_QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"', "－": "-"})  # as typed on CJK keyboards
_CHUNK = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_CJK_SPACE = re.compile(f"(?<={CJK})\\s+(?={CJK})")
_SKIPPED = {"AND", "OR", "NEAR"}


@dataclass(frozen=True)
class Term:
    text: str  # folded
    terms: str  # text.query_terms: the tokens, separated by spaces
    prefix: bool  # the last token is a prefix (a lone CJK character)

    @property
    def match(self) -> str:
        """The FTS5 phrase: ``"..."`` or ``"..." *`` (only letters, digits and spaces: nothing
        to escape)."""
        return f'"{self.terms}" *' if self.prefix else f'"{self.terms}"'

    @property
    def tokens(self) -> int:
        """In the phrase."""
        return len(self.terms.split())


@dataclass(frozen=True)
class ParsedQuery:
    include: tuple[Term, ...]
    exclude: tuple[Term, ...]

    def match(self, columns: str) -> str | None:
        """The expression over ``columns`` (an FTS5 column filter), or None: nothing to find."""
        if not self.include:
            return None
        found = f"{columns} : ({' AND '.join(t.match for t in self.include)})"
        if not self.exclude:
            return found
        return f"({found}) NOT ({columns} : ({' OR '.join(t.match for t in self.exclude)}))"


def _term(text: str, phrase: bool) -> Term | None:
    folded = fold(text[:MAX_TERM_CHARS])
    if phrase:  # Chinese has no spaces: a space in a quoted Chinese phrase is not in the text
        folded = _CJK_SPACE.sub("", folded)
    if not has_terms(folded):
        return None
    return Term(folded, *query_terms(folded))


def parse_query(text: str) -> ParsedQuery:
    include: dict[str, Term] = {}
    exclude: dict[str, Term] = {}
    negate_next = False
    for match in _CHUNK.finditer(text[:MAX_CHARS].translate(_QUOTES)):
        minus, quoted, word_minus, word = match.groups()
        if word is not None and not word_minus and word in _SKIPPED:
            continue
        if word == "NOT" and not word_minus:
            negate_next = True
            continue
        term = _term(word if quoted is None else quoted, phrase=quoted is not None)
        negated = bool(minus or word_minus) or negate_next
        negate_next = False
        if term is None or len(include) + len(exclude) >= MAX_TERMS:
            continue
        (exclude if negated else include).setdefault(term.match, term)
    return ParsedQuery(tuple(include.values()), tuple(exclude.values()))
