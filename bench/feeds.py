"""Feed parsing benchmark: the lxml fast path beside feedparser on the real feeds in tests/data.

    python bench/feeds.py [--seconds 6]

Each real feed of ``tests/data`` (the feeds of other parsers' test suites and the golden VOA
full-content feed) is prepared the way ``parse_feed`` prepares it, then parsed over and over,
in turns for ``--seconds`` with each one's fastest round (in CPU time) counted, by: the fast path
(``parse_xml_feed_fast``, with feedparser after it when it declines), newsmirror's
feedparser path (``parse_xml_feed_slow``: ``feedparser.parse`` and the same mapping), and bare
``feedparser.parse``. Prints items/s per feed and over all feeds (total items over total
time), and the fast path's speed-up over the feedparser path. A feed the fast path declines is
marked: it then costs the fast path's attempt plus feedparser. Asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import feedparser

from newsmirror.feeds.encoding import as_utf8_xml, decode_document
from newsmirror.feeds.xmlfeed import parse_xml_feed_fast, parse_xml_feed_slow

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
URL = "https://example.com/feed.xml"


def real_feeds() -> list[Path]:
    others = (DATA / "realpages" / "other-feeds").rglob("*")
    return [
        *sorted(p for p in others if p.suffix in (".xml", ".rss")),
        DATA / "golden" / "voa-fulltext-feed.xml",
    ]


def best_rates(parsers: dict[str, Callable[[], object]], seconds: float) -> dict[str, float]:
    """Calls per CPU second of each parser, from its fastest round. The parsers take turns in
    rounds of about 10 ms for ``seconds`` in all, and CPU time is counted, not wall time, so
    that other processes on a shared machine weigh on the figures as little as possible."""
    best = dict.fromkeys(parsers, float("inf"))
    calls = {}
    for key, parse in parsers.items():  # one warm-up call, and how many calls make 10 ms
        started = time.process_time()
        parse()
        calls[key] = max(1, int(0.01 / max(time.process_time() - started, 1e-5)))
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for key, parse in parsers.items():
            started = time.process_time()
            for _ in range(calls[key]):
                parse()
            best[key] = min(best[key], (time.process_time() - started) / calls[key])
    return {key: 1 / elapsed for key, elapsed in best.items()}


def fast_path(document: bytes) -> object:
    return parse_xml_feed_fast(document, URL) or parse_xml_feed_slow(document, URL)


def bare_feedparser(document: bytes) -> object:
    return feedparser.parse(io.BytesIO(document), sanitize_html=False, resolve_relative_uris=False)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--seconds", type=float, default=6.0, help="per feed")
    seconds = options.parse_args().seconds
    version = feedparser.__version__
    print(
        f"feedparser {version}; items per CPU second in the fastest round, {seconds:g} s a feed\n"
    )
    print(f"{'feed':<28}{'items':>6}{'fast':>10}{'feedparser':>12}{'bare fp':>10}{'ratio':>8}")
    totals = {"fast": 0.0, "slow": 0.0, "bare": 0.0}
    all_items = 0
    for path in real_feeds():
        document = as_utf8_xml(decode_document(path.read_bytes(), None))
        items = len(parse_xml_feed_slow(document, URL).items)
        declined = parse_xml_feed_fast(document, URL) is None
        rates = best_rates(
            {
                "fast": partial(fast_path, document),
                "slow": partial(parse_xml_feed_slow, document, URL),
                "bare": partial(bare_feedparser, document),
            },
            seconds,
        )
        for key, rate in rates.items():
            totals[key] += 1 / rate  # seconds per parse
        all_items += items
        mark = " (declined)" if declined else ""
        print(
            f"{path.name[:27]:<28}{items:>6}{rates['fast'] * items:>10.0f}"
            f"{rates['slow'] * items:>12.0f}{rates['bare'] * items:>10.0f}"
            f"{rates['fast'] / rates['slow']:>7.1f}x{mark}"
        )
    fast, slow, bare = (all_items / totals[key] for key in ("fast", "slow", "bare"))
    row = f"{all_items:>6}{fast:>10.0f}{slow:>12.0f}{bare:>10.0f}{fast / slow:>7.1f}x"
    print(f"{'all feeds':<28}{row}")
    print(f"\nfast path over feedparser: {fast / slow:.1f}x (over bare parse: {fast / bare:.1f}x)")


if __name__ == "__main__":
    main()
