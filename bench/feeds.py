"""Feed parsing benchmark: the lxml fast path beside feedparser on the real feeds in tests/data.

    python bench/feeds.py [--seconds 2]

Each real feed of ``tests/data`` (the feeds of other parsers' test suites and the golden VOA
full-content feed) is prepared the way ``parse_feed`` prepares it, then parsed over and over
for about ``--seconds`` each by: the fast path (``parse_xml_feed_fast``), newsmirror's
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


def per_second(parse: Callable[[], object], seconds: float) -> float:
    """Calls per second, over at least ``seconds`` of repeated calls (after one warm-up)."""
    parse()
    calls, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        parse()
        calls += 1
    return calls / elapsed


def bare_feedparser(document: bytes) -> object:
    return feedparser.parse(io.BytesIO(document), sanitize_html=False, resolve_relative_uris=False)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--seconds", type=float, default=2.0, help="per feed and parser")
    seconds = options.parse_args().seconds
    print(f"feedparser {feedparser.__version__}; items/s, about {seconds:g} s per cell\n")
    print(f"{'feed':<28}{'items':>6}{'fast':>10}{'feedparser':>12}{'bare fp':>10}{'ratio':>8}")
    totals = {"fast": 0.0, "slow": 0.0, "bare": 0.0}
    all_items = 0
    for path in real_feeds():
        document = as_utf8_xml(decode_document(path.read_bytes(), None))
        slow = parse_xml_feed_slow(document, URL)
        items = len(slow.items)
        declined = parse_xml_feed_fast(document, URL) is None
        rates = {
            "fast": per_second(
                lambda d=document: parse_xml_feed_fast(d, URL) or parse_xml_feed_slow(d, URL),
                seconds,
            ),
            "slow": per_second(lambda d=document: parse_xml_feed_slow(d, URL), seconds),
            "bare": per_second(lambda d=document: bare_feedparser(d), seconds),
        }
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
