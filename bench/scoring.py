"""Shingle scoring for main-content extraction (the Zyte article-extraction-benchmark method).

Each text becomes a multiset of 4-token shingles; per page, precision = |pred ∩ true| / |pred| and
recall = |pred ∩ true| / |true| (multiset intersection); P and R are averaged over pages and F1 is
the harmonic mean of the two means, as the benchmark's evaluate.py does.

Two tokenizers: ``cjk`` (one CJK character or one run of other ``\\w`` characters, so Chinese is
scored per character) and ``word`` (``\\w+``, what the benchmark's published scores use; it makes a
whole run of Chinese one token, far too coarse for Chinese pages).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Han (with extensions and compatibility), kana, Hangul syllables: scored one character a token.
_CJK = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002ebef\U00030000-\U0003134f"
)
_CJK_TOKEN = re.compile(rf"[{_CJK}]|(?:(?![{_CJK}])\w)+")
_WORD_TOKEN = re.compile(r"\w+")

Tokenizer = Callable[[str], list[str]]


def cjk_tokens(text: str) -> list[str]:
    return _CJK_TOKEN.findall(text or "")


def word_tokens(text: str) -> list[str]:
    return _WORD_TOKEN.findall(text or "")


TOKENIZERS: dict[str, Tokenizer] = {"cjk": cjk_tokens, "word": word_tokens}


def shingles(text: str, tokenize: Tokenizer = cjk_tokens, n: int = 4) -> Counter[str]:
    tokens = tokenize(text)
    # As evaluate.py: a text shorter than n tokens is one (short) shingle, an empty one none.
    grams = (" ".join(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


@dataclass(frozen=True)
class PageScore:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.tp + self.fn == 0:
            return 1.0 if self.fp == 0 else 0.0
        return self.tp / (self.tp + self.fn)


def score_page(prediction: str, truth: str, tokenize: Tokenizer = cjk_tokens) -> PageScore:
    pred = shingles(prediction, tokenize)
    true = shingles(truth, tokenize)
    return PageScore(
        tp=sum((pred & true).values()),
        fp=sum((pred - true).values()),
        fn=sum((true - pred).values()),
    )


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def aggregate(pages: Iterable[PageScore]) -> Score:
    page_list = list(pages)
    if not page_list:
        return Score(0.0, 0.0, 0)
    count = len(page_list)
    return Score(
        precision=sum(p.precision for p in page_list) / count,
        recall=sum(p.recall for p in page_list) / count,
        pages=count,
    )


def score(pairs: Iterable[tuple[str, str]], tokenize: Tokenizer = cjk_tokens) -> Score:
    """``pairs`` of (prediction, truth) texts."""
    return aggregate(score_page(pred, true, tokenize) for pred, true in pairs)
