"""The benchmarks' archive: generated articles of real Chinese news text, written to the record
the way a run writes them (bench/site.py, bench/serve.py)."""

from __future__ import annotations

import gzip
import html
import os
import random
import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# The project's own test data (tests/data/README.md: each set's source and licence).
DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
CORPUS = DATA / "extraction/daniel-zh-dev/reference"
VOA_FEED = DATA / "golden/voa-fulltext-feed.xml"
SOURCES = (
    ("美国之音", "voa"), ("自由亚洲电台", "rfa"), ("BBC 中文", "bbc"), ("德国之声", "dw"),
    ("法国国际广播电台", "rfi"), ("纽约时报中文网", "nyt"), ("FT中文网", "ft"),
    ("中国数字时代", "cdt"),
)  # fmt: skip
START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=730)


def paragraphs() -> list[str]:
    """Plain-text paragraphs of real Chinese news: the DAnIEL references and the VOA feed."""
    sources = [gzip.decompress(p.read_bytes()).decode() for p in sorted(CORPUS.glob("*.gz"))]
    sources.append(VOA_FEED.read_text(encoding="utf-8"))
    found = (p for s in sources for p in re.findall(r"<p>(.*?)</p>", s, re.S))
    texts = [re.sub(r"<[^>]+>|[\s\x00-\x1f\x7f]+", "", p) for p in found]
    return [t for t in texts if len(t) >= 40 and "http" not in t]


def body(rng: random.Random, texts: list[str], n: int) -> str:
    """2-5 KB of clean article HTML: paragraphs, a captioned figure, a sub-heading, a link."""
    target, size, parts = rng.randint(2000, 5000), 0, []
    while size < target:
        text = rng.choice(texts)[: max(20, (target - size) // 3)]  # CJK: 3 bytes a character
        parts.append(f"<p>{html.escape(text)}</p>")
        size += len(parts[-1].encode())
    caption = html.escape(rng.choice(texts)[:30])
    parts.insert(1, f'<figure><img src="https://img.example.com/{n}.jpg" width="900">')
    parts.insert(2, f"<figcaption>{caption}</figcaption></figure>")
    parts.insert(len(parts) // 2, f"<h2>{html.escape(rng.choice(texts)[:12])}</h2>")
    parts.append(f'<p>相关报道：<a href="https://news.example.com/a/{n + 1}.html">前一篇</a></p>')
    return "\n".join(parts)


def revisions(count: int, first: int = 0) -> list[Any]:
    """Articles numbered from ``first``: from 0, spread evenly over SPAN from START, 1% edited
    later and 0.2% removed; from further on, 7 minutes apart after all of those."""
    from newsmirror.record.model import Revision, iso

    rng, texts, made = random.Random(first + 1), paragraphs(), []
    step, base = (SPAN / count, START) if first == 0 else (timedelta(minutes=7), START + SPAN)
    for i in range(count):
        n = first + i
        name, abbr = SOURCES[n % len(SOURCES)]
        moment = base + step * i + timedelta(seconds=rng.randint(0, 59))
        text = body(rng, texts, n)
        made.append(
            Revision(
                article=f"{abbr}{n:014d}",
                rev=1,
                source=abbr,
                path=f"articles/{abbr}/{moment:%Y/%m/%d}-story-{n}.md",
                url=f"https://news.example.com/{abbr}/{n}.html",
                guid=None,
                title=rng.choice(texts)[: rng.randint(12, 28)],
                published=iso(moment),
                updated=None,
                first_seen=iso(moment),
                fetched=iso(moment + timedelta(minutes=5)),
                html=text,
                text=re.sub(r"<[^>]+>", "", text),
                hash=f"h{n}",
                authors=(f"{name}记者",),
                keys=(f"url:news.example.com/{abbr}/{n}.html",),
            )
        )
    return made + (later_revisions(rng, made) if first == 0 else [])


def later_revisions(rng: random.Random, made: list[Any]) -> list[Any]:
    from newsmirror.record.model import RevisionKind, iso, parse_iso

    chosen = rng.sample(made, len(made) // 100 + len(made) // 500)
    edited, removed = chosen[: len(made) // 100], chosen[len(made) // 100 :]
    return [
        replace(
            r,
            rev=2,
            html=r.html.replace("</p>", "（更新）</p>", 1),
            hash=r.hash + "e",
            change=RevisionKind.EDITED,
            fetched=iso(parse_iso(r.fetched) + timedelta(hours=6)),
        )
        for r in edited
    ] + [
        replace(
            r,
            rev=2,
            change=RevisionKind.REMOVED,
            fetched=iso(parse_iso(r.fetched) + timedelta(days=2)),
            evidence={"status": "404", "url": r.url},
        )
        for r in removed
    ]


def make_archive(root: Path, articles: int) -> list[Any]:
    """Write the record of ``articles`` articles and index it; returns its revisions."""
    from newsmirror.archive.archive import Archive
    from newsmirror.record.log import RecordLog
    from newsmirror.settings.configfile import init_archive
    from newsmirror.settings.sources import Source

    started = time.perf_counter()
    made = revisions(articles)
    init_archive(
        root, tuple(Source(name, abbr, f"https://{abbr}.example.com/") for name, abbr in SOURCES)
    )
    RecordLog(root).append(made)
    written = time.perf_counter()
    with Archive(root):
        pass
    size = sum(len(r.html.encode()) for r in made[:articles]) / articles
    print(
        f"{articles:,} articles and {len(made) - articles} later revisions (edits, removals), "
        f"{len(SOURCES)} sources over two years, {size / 1000:.1f} KB of HTML each on average"
    )
    print(
        f"record written in {written - started:.1f} s, indexed in "
        f"{time.perf_counter() - written:.1f} s (a run indexes as it goes); {os.cpu_count()} "
        f"CPUs, load average {os.getloadavg()[0]:.1f}\n"
    )
    return made
