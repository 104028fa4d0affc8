"""Sanitizing benchmark: bodies of hostile shapes at sizes up to the 20 MB response cap.

    python bench/sanitize.py [--sizes 2,5,20]

For each shape (plain paragraphs; ``<div>`` nested as deep as the body allows; blocks nested 512
deep, the depth kept; misnested ``<em><strong>x</em>`` and ``<a><b>x</a>``, which the parser
reopens into an ever deeper tree) and size in MB, times ``clean.sanitize`` (nesting flattened
past ``depth.MAX_DEPTH``, misnested formatting tags dropped past ``depth.MAX_MISNESTED``; bodies
of 1 MB and more in a child process under the CPU budget) and prints MB/s, or that the body ran
out of its budget and was recorded as too complex. Asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from newsmirror.clean import sanitize
from newsmirror.clean.depth import MAX_DEPTH
from newsmirror.clean.sanitize import CPU_SECONDS, TOO_COMPLEX


def repeated(unit: str) -> Callable[[int], str]:
    return lambda size: unit * (size // len(unit))


def nested(size: int) -> str:
    depth = size // 11
    return "<div>" * depth + "x" + "</div>" * depth


SHAPES: dict[str, Callable[[int], str]] = {
    "paragraphs": repeated("<p>一段普通的新闻正文，有<a href='https://e.com/'>链接</a>。</p>"),
    "nested <div>": nested,
    f"blocks {MAX_DEPTH} deep": repeated("<div>" * MAX_DEPTH + "x" + "</div>" * MAX_DEPTH),
    "misnested <em><strong>": repeated("<em><strong>x</em>"),
    "misnested <a><b>": repeated("<a href='https://e.com/'><b>x</a>"),
}


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--sizes", default="2,5,20", help="body sizes in MB (default 2,5,20)")
    sizes = [float(size) for size in options.parse_args().sizes.split(",")]
    print(f"CPU budget per body: {CPU_SECONDS} s; nesting flattened past {MAX_DEPTH}")
    for name, make in SHAPES.items():
        for size in sizes:
            body = make(int(size * 1_000_000))
            started = time.perf_counter()
            out = sanitize(body, "https://example.com/")
            seconds = time.perf_counter() - started
            rate = f"{len(body) / 1e6 / seconds:6.1f} MB/s"
            verdict = "too complex (budget spent)" if out == TOO_COMPLEX else rate
            print(f"{name:26} {len(body) / 1e6:5.1f} MB {seconds:7.2f} s  {verdict}", flush=True)


if __name__ == "__main__":
    main()
