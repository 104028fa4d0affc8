"""Search benchmark: building the index of a large record, its size, and query latency.

    python bench/search.py [--articles 200000] [--workers N] [--keep DIR] [--unigrams]
                           [--no-compare]

Writes an archive-like record of generated articles with ``RecordLog.append`` into a temporary
folder: 9 sources over about 15 months (450 articles a day), each article 600-1,400 characters
(the size of bench/ingest.py's articles) made of sentences drawn at random from real Chinese news
(the DAnIEL references, BBC Chinese pages and the VOA feed under tests/data), 3% of them turned
into traditional characters with OpenCC, one in four with a few English words from the Zyte
set's English articles. Then prints:

- the index build (``SearchIndex.catch_up`` of the whole record): articles/s (target >= 2,000);
- the index's size beside the record's;
- an incremental batch as a run writes it (new articles and edits of old ones);
- ``SearchIndex.search`` latency (20 hits, snippets included), p50 and p95 for 1-, 2-, 3- and
  4-character Chinese queries, common and rare in the corpus, and for English words
  (targets p50 <= 10 ms, p95 <= 50 ms);
- then (bench/search_compare.py, in a throwaway PostgreSQL cluster started from the system's
  binaries) the same record in newsmirror's PostgreSQL index, in SQLite FTS5's ``trigram``
  tokenizer and in PostgreSQL's ``pg_trgm``: build time, size, the latency of the same queries
  (same targets for PostgreSQL), and the recall of each on the one- and two-character words.
  ``--no-compare`` skips it. Asserts nothing.

``--unigrams`` measures the alternative newsmirror does not use: one term per CJK character,
no prefix index, a Chinese word a phrase of characters (see newsmirror/search/text.py).
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import opencc

from corpus import DATA
from newsmirror.record.log import RecordLog
from newsmirror.record.model import Revision, RevisionKind, iso
from newsmirror.search import SearchIndex, SearchQuery
from newsmirror.search import documents as documents_module
from newsmirror.search import index as index_module
from newsmirror.search import query as query_module
from newsmirror.search.text import CJK
from search_compare import compare

CHINESE = [
    *sorted((DATA / "extraction/daniel-zh-dev/reference").glob("*.gz")),
    *sorted((DATA / "realpages/bbc-zhongwen").glob("*.html")),
    DATA / "golden/voa-fulltext-feed.xml",
]
ENGLISH = DATA / "extraction/zyte-article-extraction/ground-truth.json"
SOURCES = ("voa", "rfa", "bbc", "dw", "rfi", "nyt", "ftc", "reuters", "cdt")
PER_DAY = 450
START = datetime(2024, 1, 1, tzinfo=UTC)
CJK_RUN = re.compile("[\u4e00-\u9fff]+")


def use_unigrams() -> None:
    """Index and query every CJK character as a term of its own (the rejected design)."""
    cjk = re.compile(CJK)
    words = re.compile(r"[^\W_]+")

    def unigrams(folded: str) -> str:
        return " ".join(words.findall(cjk.sub(lambda m: f" {m.group()} ", folded)))

    documents_module.terms = index_module.terms = unigrams  # type: ignore[attr-defined]
    query_module.query_terms = lambda folded: (unigrams(folded), False)  # type: ignore
    index_module.SCHEMA = tuple(s.replace("prefix='1',", "") for s in index_module.SCHEMA)
    index_module.VERSION += " unigrams"


def sentences() -> list[str]:
    """Chinese sentences of real news, all in simplified characters."""
    to_simplified = opencc.OpenCC("t2s")
    found: list[str] = []
    for path in CHINESE:
        data = path.read_bytes()
        page = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8", "replace")
        for paragraph in re.findall(r"<p[^>]*>(.*?)</p>", html.unescape(page), re.S):
            text = to_simplified.convert(re.sub(r"<[^>]+>|\s+", "", paragraph))
            if "http" not in text and CJK_RUN.search(text):
                found += [s for s in re.findall(r"[^。！？]+[。！？]?", text) if len(s) >= 8]
    return found


def english_words() -> list[str]:
    bodies = [a.get("articleBody", "") for a in json.loads(ENGLISH.read_text()).values()]
    return [w for w in re.findall(r"[A-Za-z]{3,}", " ".join(bodies))]


def articles(count: int, said: list[str], words: list[str]) -> Iterator[Revision]:
    rng = random.Random(1)
    to_traditional = opencc.OpenCC("s2t")
    for n in range(count):
        target, parts = rng.randint(600, 1400), []
        while sum(map(len, parts)) < target:
            parts.append(rng.choice(said))
            if rng.random() < 0.15:
                parts.append("\n\n")
        text = "".join(parts)
        if rng.random() < 0.25:  # a few English names and words, as Chinese news quotes them
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(len(text))
                text = f"{text[:at]} {rng.choice(words)} {text[at:]}"
        title = rng.choice(said)[: rng.randint(10, 28)].rstrip("，。！？")
        if rng.random() < 0.03:
            text, title = to_traditional.convert(text), to_traditional.convert(title)
        source = SOURCES[n % len(SOURCES)]
        published = START + timedelta(days=n / PER_DAY, seconds=rng.randint(0, 600))
        fetched = iso(published + timedelta(minutes=rng.randint(1, 50)))
        body = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
        yield Revision(
            article=f"{source}-{n}",
            rev=1,
            source=source,
            path=f"articles/{source}/{n}.md",
            url=f"https://{source}.example.com/a/{n}.html",
            guid=None,
            title=title,
            published=iso(published),
            updated=None,
            first_seen=fetched,
            fetched=fetched,
            html=body,
            text=text,
            hash=f"h{n}",
        )


def write_record(root: Path, count: int, said: list[str], words: list[str]) -> None:
    log, batch = RecordLog(root), []
    for revision in articles(count, said, words):
        batch.append(revision)
        if len(batch) == 5000:
            log.append(batch)
            batch = []
    log.append(batch)


def size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def query_set(said: list[str], words: list[str]) -> dict[str, list[str]]:
    """Queries by kind: n-grams of the corpus (common: the most frequent; rare: seen once or
    twice in the sentences) and English words (common in the English texts)."""
    rng = random.Random(2)
    grams: dict[int, Counter[str]] = {n: Counter() for n in (1, 2, 3, 4)}
    for sentence in said:
        for run in CJK_RUN.findall(sentence):
            for n, counter in grams.items():
                counter.update(run[i : i + n] for i in range(len(run) - n + 1))
    kinds: dict[str, list[str]] = {}
    for n, counter in grams.items():
        ranked = [g for g, _ in counter.most_common()]
        kinds[f"{n} char, common"] = ranked[:25]
        rare = [g for g, c in counter.items() if c <= 2]
        kinds[f"{n} char, rare"] = rng.sample(rare, 25)
    common_english = [w for w, _ in Counter(w.lower() for w in words).most_common(100)]
    kinds["English word"] = common_english[:25]
    return kinds


def latencies(index: SearchIndex, queries: list[str]) -> list[float]:
    for text in queries:  # warm up: a server answers from the page cache too
        index.search(SearchQuery(text))
    timings = []
    for text in queries:
        started = time.perf_counter()
        index.search(SearchQuery(text))
        timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)


def incremental(index: SearchIndex, log: RecordLog) -> tuple[int, float]:
    """Index a run's worth: 500 new articles and 100 edits of existing ones."""
    newest = [e.revision for e in log.read(log.files()[-1])][-600:]
    batch = [replace(r, article=f"new-{r.article}", path=f"{r.path}.new") for r in newest[:500]]
    batch += [
        replace(r, rev=2, change=RevisionKind.EDITED, text=r.text[::-1]) for r in newest[500:]
    ]
    started = time.perf_counter()
    index.index(log.append(batch))
    return len(batch), time.perf_counter() - started


def build(index: SearchIndex, path: Path, work: Path, workers: int | None, chars: float) -> float:
    """Index the whole record; print the rate and sizes, and return the rate."""
    started, cpu = time.perf_counter(), time.process_time()
    indexed = index.catch_up(RecordLog(work), workers=workers)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rate = indexed / seconds
    print(f"\nbuild: {indexed:,} articles in {seconds:.1f} s: {rate:,.0f} articles/s", end="")
    print(f", {rate * chars / 1e6:.1f} M characters/s (target >= 2,000 a/s)")
    print(f"  this process (writing) {cpu:.1f} s CPU; the worker reads and cuts terms")
    index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    record = size(work / "record")
    sqlite = sum(size(p) for p in path.parent.glob("search.sqlite*"))
    print(f"index {sqlite / 1e6:,.0f} MB beside a record of {record / 1e6:,.0f} MB", end="")
    print(f" ({sqlite / record:.0%})")
    return rate


def bench(count: int, workers: int | None, keep: Path | None, others: bool) -> None:
    work = keep or Path(tempfile.mkdtemp(prefix="newsmirror-search-bench-"))
    try:
        said, words = sentences(), english_words()
        print(f"corpus: {len(said):,} Chinese sentences, {len(words):,} English words")
        log = RecordLog(work)
        if not log.files():
            started = time.perf_counter()
            write_record(work, count, said, words)
            print(f"record: {count:,} articles written in {time.perf_counter() - started:.0f} s")
        path = work / ".newsmirror/search.sqlite"
        reuse = keep is not None and path.exists()
        if not reuse:
            for stale in path.parent.glob("search.sqlite*"):
                stale.unlink()
        chars = sum(len(e.revision.text) + len(e.revision.title) for e in log.read(log.files()[0]))
        per_file = len(list(log.read(log.files()[0])))
        print(f"articles: {chars / per_file:,.0f} characters on average; {os.cpu_count()} CPUs")
        print(f"load average at the start: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")

        with SearchIndex(path) as index:
            rate = None
            if reuse:  # the build's figures are the first run's
                indexed = index.catch_up(log, workers=workers)
                print(f"\nbuild: the index kept in {path} reused ({indexed:,} articles added)")
            else:
                rate = build(index, path, work, workers, chars / per_file)
                added, spent = incremental(index, log)
                print(f"a run's batch ({added} revisions, 100 edits): {spent * 1000:.0f} ms")

            print(f"\n{'query (20 hits, snippets)':<28}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}  e.g.")
            worst = []
            for kind, queries in query_set(said, words).items():
                timings = latencies(index, queries)
                p50 = statistics.median(timings)
                p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
                worst.append((p50, p95))
                sample = " ".join(queries[:3])
                print(f"{kind:<28}{len(timings):>4}{p50:>9.1f}{p95:>9.1f}  {sample}")
            met = max(p for p, _ in worst) <= 10 and max(p for _, p in worst) <= 50
            print(f"targets (p50 <= 10 ms, p95 <= 50 ms) met: {'yes' if met else 'NO'};", end="")
            built = "(kept)" if rate is None else "yes" if rate >= 2000 else "NO"
            print(f" build >= 2,000/s: {built}")
            if others:
                compare(work, log, index, query_set(said, words), keep=keep is not None)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--articles", type=int, default=200_000, help="(default 200,000)")
    options.add_argument("--workers", type=int, help="term-cutting processes (default: auto)")
    options.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep (and reuse) the record and the indexes"
    )
    options.add_argument("--unigrams", action="store_true", help="one term per CJK character")
    options.add_argument(
        "--no-compare", action="store_true", help="skip PostgreSQL, FTS5 trigram and pg_trgm"
    )
    args = options.parse_args()
    if args.unigrams:
        use_unigrams()
    bench(args.articles, args.workers, args.keep, not args.no_compare)


if __name__ == "__main__":
    sys.exit(main())
