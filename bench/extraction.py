"""Extraction benchmark: newsmirror, trafilatura's defaults, readability-lxml and GNE side by side.

    python bench/extraction.py [--sets zyte,daniel,readability] [--limit N] [--workers 2]
                  [--tools newsmirror,leave-site-out,trafilatura,readability-lxml,gne] [--worst N]

``leave-site-out`` is newsmirror with every per-site rule for the page's own host turned off
(pages grouped by host, DAnIEL's host taken from its file name): the generic path, as on a site
the rules were never fitted to. GNE (``pip install -e '.[bench]'``) is given the page decoded
by newsmirror's decoder, as it takes text.

Data: tests/data/extraction/ (see each SOURCE.txt). Scores: bench/scoring.py (multiset
4-token shingles, one CJK character or one \\w run a token; P and R averaged over pages, F1 the
harmonic mean of the means). The Zyte set is also scored with ``\\w+`` tokens, the tokenization
of its published figures. For readability-testpages, ``captions`` is the share of captioned
images in expected.html (<figure> with <figcaption>) whose caption text the tool kept. Every tool
runs over the same documents in a pool of ``--workers`` processes, so docs/s is across cores;
``idle`` is the same rate from the CPU time the workers used (workers x documents / CPU
seconds), what the cores would give if nothing else ran on them. Asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import multiprocessing
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scoring import PageScore, Score, aggregate, cjk_tokens, score_page, word_tokens

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "extraction"


@dataclass(frozen=True)
class Doc:
    id: str
    page: bytes
    url: str | None
    truth: str
    captions: tuple[str, ...] = field(default=())


def _gunzip(path: Path) -> bytes:
    with gzip.open(path) as handle:
        return handle.read()


def zyte(root: Path = DATA / "zyte-article-extraction") -> Iterator[Doc]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        page = _gunzip(root / "html" / f"{key}.html.gz")
        yield Doc(key, page, truth[key].get("url"), truth[key].get("articleBody", ""))


_TAG = re.compile(r"<[^>]*>")


def daniel(root: Path = DATA / "daniel-zh-dev") -> Iterator[Doc]:
    for ref in sorted((root / "reference").glob("*.gz")):
        text = _gunzip(ref).decode("utf-8", "replace")
        truth = html.unescape(_TAG.sub("\n", text))
        host = ref.stem.split("_")[1]  # {date}_{host}_{hash}: the site the page came from
        yield Doc(ref.stem, _gunzip(root / "html" / ref.name), f"http://{host}/", truth)


def _figure_captions(expected: str) -> tuple[str, ...]:
    from lxml import html as lhtml

    root = lhtml.fromstring(expected)
    found = []
    for figure in root.iter("figure"):
        caption = " ".join(" ".join(c.itertext()) for c in figure.iter("figcaption"))
        if caption.strip() and figure.xpath(".//img|.//picture"):
            found.append(caption)
    return tuple(found)


def readability_pages(
    root: Path = DATA / "readability-testpages" / "test" / "test-pages",
) -> Iterator[Doc]:
    from newsmirror.extract.text import html_to_text

    for case in sorted(p for p in root.iterdir() if p.is_dir()):
        expected = _gunzip(case / "expected.html.gz").decode("utf-8", "replace")
        url = "http://fakehost/test/page.html"  # what Readability.js's tests use
        yield Doc(
            case.name,
            _gunzip(case / "source.html.gz"),
            url,
            html_to_text(expected),
            _figure_captions(expected),
        )


SETS: dict[str, Callable[[], Iterator[Doc]]] = {
    "zyte": zyte,
    "daniel": daniel,
    "readability": readability_pages,
}


def run_newsmirror(doc: Doc, leave_site_out: bool = False) -> str | tuple[str, str]:
    from newsmirror.extract import extract_article
    from newsmirror.extract.rules import load_rules, rule_for
    from newsmirror.extract.text import html_to_text

    rules = None
    if leave_site_out:
        # Every site rule that applies to the page's host is off: the generic path is scored.
        rules = tuple(rule for rule in load_rules() if rule_for(doc.url, (rule,)) is not rule)
    found = extract_article(doc.page, doc.url, rules=rules)
    # Scored: the running text. A caption counts as kept only where the mirror shows it as the
    # caption of an image: the lead image's, or a caption line under an image in the body HTML
    # (the text of a figcaption kept as a loose paragraph, its picture lost, does not count).
    lead = found.lead_image.caption if found.lead_image else ""
    shown = [html_to_text(m) for m in _IMAGE_CAPTION.findall(found.html)]
    return found.text, "\n".join([lead, *shown])


# The mirror format's caption line, right after its <img>.
_IMAGE_CAPTION = re.compile(r'<img [^>]*>(<div><small style="color: #999;">.*?</small></div>)')


def run_leave_site_out(doc: Doc) -> str | tuple[str, str]:
    return run_newsmirror(doc, leave_site_out=True)


def run_gne(doc: Doc) -> str:
    from gne import GeneralNewsExtractor

    from newsmirror.extract.decode import decode_html

    text, _ = decode_html(doc.page)
    return str(GeneralNewsExtractor().extract(text).get("content", ""))


def run_trafilatura(doc: Doc) -> str:
    import trafilatura

    return trafilatura.extract(doc.page, url=doc.url) or ""


def run_readability(doc: Doc) -> str:
    from readability import Document

    from newsmirror.extract.text import html_to_text

    return html_to_text(Document(doc.page).summary())


TOOLS: dict[str, Callable[[Doc], str | tuple[str, str]]] = {
    "newsmirror": run_newsmirror,
    "leave-site-out": run_leave_site_out,
    "trafilatura": run_trafilatura,
    "readability-lxml": run_readability,
    "gne": run_gne,
}


def _safe(job: tuple[str, Doc]) -> tuple[str, str, float]:
    """(text scored, text shown to a reader, CPU seconds taken) of one tool on one page."""
    name, doc = job
    start = time.process_time()
    try:
        out = TOOLS[name](doc)
    except Exception as exc:  # one failing page must not end the benchmark; it scores zero
        print(f"  {name} failed on {doc.id}: {exc!r}", file=sys.stderr)
        out = ""
    scored, shown = out if isinstance(out, tuple) else (out, out)
    return scored, shown, time.process_time() - start


def _warm(name: str) -> None:
    # Imports and lazy initialisation happen once per worker, before the clock starts.
    _safe((name, Doc("warm", b"<html><body><p>warm up</p></body></html>", None, "")))


@dataclass(frozen=True)
class Run:
    outputs: list[tuple[str, str]]  # (scored, shown) per document
    wall: float  # seconds, all workers together
    cpu: float  # CPU seconds the workers used
    workers: int

    @property
    def rate(self) -> float:
        return len(self.outputs) / self.wall if self.wall else 0.0

    @property
    def cpu_rate(self) -> float:
        """The rate the workers would reach on cores of their own."""
        return self.workers * len(self.outputs) / self.cpu if self.cpu else 0.0


def run_tool(name: str, docs: list[Doc], workers: int) -> Run:
    with multiprocessing.Pool(workers, initializer=_warm, initargs=(name,)) as pool:
        pool.map(_warm, [name] * workers)
        start = time.perf_counter()
        results = pool.map(_safe, [(name, d) for d in docs], chunksize=2)
        elapsed = time.perf_counter() - start
    outputs = [(scored, shown) for scored, shown, _ in results]
    return Run(outputs, elapsed, sum(seconds for _, _, seconds in results), workers)


def _norm(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def caption_share(docs: list[Doc], outputs: list[str]) -> tuple[int, int]:
    kept = total = 0
    for doc, out in zip(docs, outputs, strict=True):
        flat = _norm(out)
        for caption in doc.captions:
            total += 1
            kept += _norm(caption) in flat
    return kept, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages (newsmirror)")
    args = parser.parse_args()
    runs: dict[str, list[Run]] = {}
    for set_name in args.sets.split(","):
        docs = list(SETS[set_name]())
        if args.limit:
            docs = docs[: args.limit]
        print(f"\n{set_name}: {len(docs)} pages")
        header = f"{'tool':<18}{'precision':>10}{'recall':>8}{'F1':>8}{'docs/s':>9}{'idle':>7}"
        extra = "  F1(\\w+)" if set_name == "zyte" else ""
        extra += "  captions" if set_name == "readability" else ""
        print(header + extra)
        for tool in args.tools.split(","):
            run = run_tool(tool, docs, args.workers)
            runs.setdefault(tool, []).append(run)
            outputs = run.outputs
            pages = [
                score_page(o, d.truth, cjk_tokens) for (o, _), d in zip(outputs, docs, strict=True)
            ]
            result: Score = aggregate(pages)
            line = f"{tool:<18}{result.precision:>10.3f}{result.recall:>8.3f}{result.f1:>8.3f}"
            line += f"{run.rate:>9.1f}{run.cpu_rate:>7.1f}"
            if set_name == "zyte":
                words = aggregate(
                    score_page(o, d.truth, word_tokens)
                    for (o, _), d in zip(outputs, docs, strict=True)
                )
                line += f"{words.f1:>9.3f}"
            if set_name == "readability":
                kept, total = caption_share(docs, [shown for _, shown in outputs])
                line += f"  {kept}/{total} = {kept / total if total else 0:.0%}"
            print(line, flush=True)
            if tool == "newsmirror" and args.worst:
                _print_worst(docs, pages, args.worst)
    print(f"\nall sets, {args.workers} workers: docs/s (idle: on cores of their own)")
    for tool, done in runs.items():
        whole = Run(
            [o for r in done for o in r.outputs],
            sum(r.wall for r in done),
            sum(r.cpu for r in done),
            args.workers,
        )
        print(f"{tool:<18}{whole.rate:>9.1f}{whole.cpu_rate:>7.1f}")


def _print_worst(docs: list[Doc], pages: list[PageScore], count: int) -> None:
    ranked = sorted(
        zip(docs, pages, strict=True), key=lambda dp: min(dp[1].precision, dp[1].recall)
    )
    for doc, page in ranked[:count]:
        print(f"    {doc.id[:60]:<60} P={page.precision:.2f} R={page.recall:.2f}")


if __name__ == "__main__":
    main()
