"""The static site's search: a Pagefind index of the latest article pages, in shards.

Pagefind cannot update an index, only build one, so the index is cut into shards that are built
alone, each by one run of the Pagefind CLI, and merged by the browser (``search.js``).

- A past month of every source is one shard (``pagefind/2026-10/``).
- The newest month is cut by day, so that a run, which adds articles to the newest day,
  re-indexes that day alone (``pagefind/2026-11d28/``). The days before it are blocks of 16, 8,
  4, 2 and 1 days, the binary digits of their count (``2026-11d01-16``, ``2026-11d17-24``,
  ...): a new day merges the blocks a binary counter carries, so each day is re-indexed about
  five times in its month, and a month ends up as one shard.
- A shard of more than ``MONTH_PAGES`` articles is split by source (``pagefind/2026-10-voa/``).
- An adopted archive's other folders (``articles/voa/*.html``) get a shard each.

Months and days, not sources: the browser fetches three files per shard for every query.

``pagefind/shards.json`` lists the shards with a digest of the pages each was built from (their
keys in the site's manifest). A build rebuilds the shards whose digest changed or whose folder
is missing and deletes everything else, so new articles re-index their day, and a build that
was killed, or run with ``--no-search``, is caught up by the next one. Pagefind's output depends
only on the pages' bytes (no timestamps; files named by content hash), and the shards only on
the pages, so an incremental build ends with the same files as a full one.

Earlier versions (``.v{n}.html``) lie beside the latest; only the latest has
``data-pagefind-body``, and Pagefind skips the pages without it once one page has it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import NamedTuple

from newsmirror.errors import PublishError
from newsmirror.project.files import write_if_changed
from newsmirror.render import paths
from newsmirror.render.paths import ARTICLES_DIR

SEARCH_DIR = "pagefind"
SHARDS = "shards.json"
# A shard with more articles is indexed by source: what a build re-indexes stays bounded.
MONTH_PAGES = 2000
# Bump when the way shards are built changes, so that every shard is built again.
FORMAT = 2
MONTH_FOLDER = re.compile(r"articles/([a-z0-9][a-z0-9_-]*)/([0-9]{4})/([0-9]{2})")
DAY_NAME = re.compile(
    r"(0[1-9]|[12][0-9]|3[01])-[^/]*"
)  # an article page named by its day, as we name them
# Pagefind's ready-made search interfaces: search.js talks to pagefind.js directly.
UNUSED = ("pagefind-*ui.*", "pagefind-highlight.js")


@dataclass(frozen=True)
class Shard:
    name: str  # its folder under pagefind/
    site: str  # the folder Pagefind reads, relative to the site; search.js's base for links
    glob: str  # the pages it indexes, relative to ``site``
    pages: int  # latest article pages in it
    digest: str  # of the pages it is built from, and of how it is built


class _Page(NamedTuple):  # a tuple: a site has tens of thousands
    path: str
    key: str
    abbr: str
    day: int
    latest: bool


def day_blocks(last: int) -> list[tuple[int, int]]:
    """The newest month's days 1 to ``last`` as shards: ``last`` alone, the days before it in
    blocks of 16, 8, 4, 2 and 1 days (the binary digits of ``last - 1``)."""
    blocks, start = [], 1
    for size in (16, 8, 4, 2, 1):
        if (last - 1) & size:
            blocks.append((start, start + size - 1))
            start += size
    return [*blocks, (last, last)]


def plan_shards(manifest: dict[str, str]) -> list[Shard]:
    """The shards for a site whose manifest (path -> key) is ``manifest``, sorted by name."""
    folders: dict[str, list[_Page]] = defaultdict(list)
    for path, key in manifest.items():
        latest = paths.is_latest_article(path)
        if latest is not None:
            folder, _, name = path.rpartition("/")
            day = DAY_NAME.fullmatch(name)
            abbr = folder.split("/")[1]
            folders[folder].append(_Page(path, key, abbr, int(day[1]) if day else 0, latest))
    months: dict[str, list[_Page]] = defaultdict(list)  # "YYYY/MM" -> its pages
    planned: list[tuple[str, str, str, list[_Page]]] = []  # name, site, glob, pages
    for folder, pages in folders.items():
        dated = MONTH_FOLDER.fullmatch(folder)
        if dated and all(page.day for page in pages):
            months[f"{dated[2]}/{dated[3]}"] += pages
        else:  # an adopted archive's own layout; the dot keeps the name apart from months'
            hashed = hashlib.blake2b(folder.encode(), digest_size=5).hexdigest()
            planned.append((f"{folder.split('/')[1]}.{hashed}", folder, "*.html", pages))
    newest = max(months, default="")
    for month, pages in months.items():
        name = month.replace("/", "-")
        if month != newest:
            planned += _by_source(name, month, "*", pages)
            continue
        # New articles come on the newest day: it is a shard of its own, so a run re-indexes
        # one day; each day after it merges blocks of days (at most 16) as a binary counter.
        for first, last in day_blocks(max(page.day for page in pages)):
            chosen = [page for page in pages if first <= page.day <= last]
            days = [f"{day:02d}" for day in range(first, last + 1)]
            pattern = days[0] if len(days) == 1 else "{" + ",".join(days) + "}"
            span = f"d{first:02d}" + (f"-{last:02d}" if last > first else "")
            if chosen:
                planned += _by_source(f"{name}{span}", month, f"{pattern}-*", chosen)
    try:
        how = (FORMAT, version("pagefind"))
    except PackageNotFoundError:
        raise PublishError("pagefind is not installed: pip install 'pagefind[extended]'") from None
    shards = [
        Shard(
            name,
            site,
            glob,
            sum(page.latest for page in pages),
            _digest(how, site, glob, sorted((page.path, page.key) for page in pages)),
        )
        for name, site, glob, pages in planned
    ]
    return sorted(shards, key=lambda shard: shard.name)


def _by_source(
    name: str, month: str, names: str, pages: list[_Page]
) -> list[tuple[str, str, str, list[_Page]]]:
    """One shard of ``pages`` (those named ``names``.html in ``month`` of every source), or
    one for each source when they are too many."""
    abbrs = sorted({page.abbr for page in pages})
    if sum(page.latest for page in pages) <= MONTH_PAGES:
        sources = abbrs[0] if len(abbrs) == 1 else "{" + ",".join(abbrs) + "}"
        return [(name, ARTICLES_DIR, f"{sources}/{month}/{names}.html", pages)]
    return [
        (
            f"{name}-{abbr}",
            ARTICLES_DIR,
            f"{abbr}/{month}/{names}.html",
            [page for page in pages if page.abbr == abbr],
        )
        for abbr in abbrs
    ]


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def _built(search: Path) -> dict[str, str]:
    """name -> digest of the shards the last build wrote."""
    try:
        listed = json.loads((search / SHARDS).read_text(encoding="utf-8"))
        return {entry["name"]: entry["digest"] for entry in listed["shards"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # none, or damaged: build every shard


def pagefind_executable() -> str:
    """Pagefind's own binary: run directly, it starts 0.1-0.2 s sooner than ``python -m``."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        raise PublishError("pagefind is not installed: pip install 'pagefind[extended]'") from None
    return str(get_executable())


class SearchIndexing:
    """Brings ``out/pagefind/`` in line with the article pages of a site's manifest.

    Made, it starts Pagefind on the shards to rebuild, one process per CPU, and returns, so the
    caller renders the rest of the site meanwhile; ``finish()`` waits for them, starting the
    next as one ends, and tidies up. The first failure stops the rest; leaving the ``with``
    block stops whatever still runs.
    """

    def __init__(self, out: Path, manifest: dict[str, str]) -> None:
        self.out, self.search = out, out / SEARCH_DIR
        self.search.mkdir(parents=True, exist_ok=True)
        self.shards = plan_shards(manifest)
        built = _built(self.search)
        self.waiting = [
            shard
            for shard in self.shards
            if built.get(shard.name) != shard.digest
            or not (self.search / shard.name / "pagefind-entry.json").is_file()
        ]
        self.running: list[tuple[Shard, subprocess.Popen[str]]] = []
        self._start_more()

    def __enter__(self) -> SearchIndexing:
        return self

    def __exit__(self, *exception: object) -> None:
        for _, process in self.running:
            process.kill()
            process.wait()
        self.running.clear()

    def _start_more(self) -> None:
        while self.waiting and len(self.running) < (os.cpu_count() or 1):
            shard = self.waiting.pop(0)
            scratch = self.search / f".building-{shard.name}"
            shutil.rmtree(scratch, ignore_errors=True)
            command = [
                *(pagefind_executable(), "--site", str(self.out / shard.site)),
                *("--glob", shard.glob, "--output-path", str(scratch)),
                # The pages say lang="zh"; forced so that pages in English join the same index.
                *("--force-language", "zh", "--silent"),
            ]
            try:
                process = subprocess.Popen(
                    command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                )
            except OSError as error:
                raise PublishError(f"cannot run pagefind ({command[0]}): {error}") from None
            self.running.append((shard, process))

    def finish(self) -> None:
        while self.running:
            shard, process = self.running.pop(0)
            self._done(shard, process)
            self._start_more()
        keep = {shard.name for shard in self.shards} | {SHARDS}
        for entry in sorted(self.search.iterdir()):
            if entry.name in keep:
                continue
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        listing = {"shards": [asdict(shard) for shard in self.shards]}
        # Written last: a build killed before this point rebuilds the same shards next time.
        listed = json.dumps(listing, ensure_ascii=False, indent=1, sort_keys=True)
        write_if_changed(self.search / SHARDS, listed.encode(), within=self.out)

    def _done(self, shard: Shard, process: subprocess.Popen[str]) -> None:
        """Wait for the shard's Pagefind, then put its output in the shard's place."""
        output, errors = process.communicate()
        scratch = self.search / f".building-{shard.name}"
        if process.returncode != 0 or not (scratch / "pagefind-entry.json").is_file():
            lines = [line.strip() for line in (errors + output).splitlines() if line.strip()]
            reason = lines[-1] if lines else f"exit status {process.returncode}"
            raise PublishError(f"search index {shard.name}: pagefind failed: {reason}")
        for pattern in UNUSED:
            for unused in scratch.glob(pattern):
                unused.unlink()
        target = self.search / shard.name
        shutil.rmtree(target, ignore_errors=True)
        scratch.rename(target)
