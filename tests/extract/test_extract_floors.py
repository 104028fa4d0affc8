"""Extraction quality floors: F1 on tests/data/extraction, against tests/extraction_floors.json.

Runs the whole of each set (about 520 pages, some 15 s on two cores); scoring is bench/scoring.py.
"""

from __future__ import annotations

import json
import multiprocessing
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import extraction  # noqa: E402
from scoring import score  # noqa: E402

FLOORS = json.loads((Path(__file__).parents[1] / "extraction_floors.json").read_text("utf-8"))


def _text(doc: extraction.Doc) -> str:
    from newsmirror.extract import extract_article

    return extract_article(doc.page, doc.url).text


@pytest.mark.parametrize("name", ["zyte", "daniel", "readability"])
def test_f1_floor(name: str) -> None:
    docs = list(extraction.SETS[name]())
    with multiprocessing.get_context("fork").Pool(2) as pool:
        texts = pool.map(_text, docs, chunksize=4)
    result = score(zip(texts, [d.truth for d in docs], strict=True))
    assert result.f1 >= FLOORS[name], f"{name}: F1 {result.f1:.3f} < floor {FLOORS[name]}"
