"""The static site's search: a Pagefind index of the latest article pages, in shards.

Pagefind cannot update an index, only build one, so the index is cut into shards that are built
alone, each by one run of the Pagefind CLI, and merged by the browser (``search.js``). A shard
holds one month of every source (``pagefind/2026-11/``); a month of more than ``MONTH_PAGES``
articles is split by source (``pagefind/2026-11-voa/``), and an adopted archive's other folders
(``articles/voa/*.html``) get a shard each. Months, not sources by month: the browser fetches
three files per shard for every query, so 8 sources over two years would mean 600 requests.

``pagefind/shards.json`` lists the shards with a digest of the pages each was built from (their
keys in the site's manifest). A build rebuilds the shards whose digest changed or whose folder
is missing and deletes everything else, so new articles re-index their month, and a build that
was killed, or run with ``--no-search``, is caught up by the next one. Pagefind's output depends
only on the pages' bytes (no timestamps; files named by content hash), so an incremental build
ends with the same files as a full one.

Earlier versions (``.v{n}.html``) lie beside the latest; only the latest has
``data-pagefind-body``, and Pagefind skips the pages without it once one page has it.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..errors import PublishError
from ..library import Library
from ..render import paths
from .mirror import ARTICLES_DIR, write_if_changed

SEARCH_DIR = "pagefind"
SHARDS = "shards.json"
# A month with more articles is indexed by source: what a build re-indexes stays bounded.
MONTH_PAGES = 2000
# Bump when the way shards are built changes, so that every shard is built again.
FORMAT = 1
MONTH_FOLDER = re.compile(r"articles/([a-z0-9][a-z0-9_-]*)/([0-9]{4})/([0-9]{2})")
# Pagefind's ready-made search interfaces: search.js talks to pagefind.js directly.
UNUSED = ("pagefind-*ui.*", "pagefind-highlight.js")


@dataclass(frozen=True)
class Shard:
    name: str  # its folder under pagefind/
    site: str  # the folder Pagefind reads, relative to the site; search.js's base for links
    glob: str  # the pages it indexes, relative to ``site``
    pages: int  # latest article pages in it
    digest: str  # of the pages it is built from, and of how it is built


@dataclass
class Indexed:
    shards: int = 0  # of the whole index
    rebuilt: int = 0
    pages: int = 0  # latest article pages in the rebuilt shards
    deleted: int = 0  # shards and stray files removed


def plan_shards(manifest: dict[str, str]) -> list[Shard]:
    """The shards for a site whose manifest (path -> key) is ``manifest``, sorted by name."""
    folders: dict[str, list[tuple[str, str]]] = defaultdict(list)
    latest: dict[str, int] = defaultdict(int)
    for path, key in manifest.items():
        parsed = paths.parse(path)
        if parsed and parsed[0] == "article":
            folder = posixpath.dirname(path)
            folders[folder].append((path, key))
            latest[folder] += "rev" not in parsed[1]
    months: dict[tuple[str, str], list[str]] = defaultdict(list)
    planned: list[tuple[str, str, str, list[str]]] = []  # name, site, glob, folders
    for folder in folders:
        month = MONTH_FOLDER.fullmatch(folder)
        if month:
            months[month[2], month[3]].append(folder)
        else:  # an adopted archive's own layout; the dot keeps the name apart from months'
            hashed = hashlib.blake2b(folder.encode(), digest_size=5).hexdigest()
            planned.append((f"{folder.split('/')[1]}.{hashed}", folder, "*.html", [folder]))
    for (year, mm), members in months.items():
        abbrs = sorted(folder.split("/")[1] for folder in members)
        if sum(latest[folder] for folder in members) <= MONTH_PAGES:
            sources = abbrs[0] if len(abbrs) == 1 else "{" + ",".join(abbrs) + "}"
            glob = f"{sources}/{year}/{mm}/*.html"
            planned.append((f"{year}-{mm}", ARTICLES_DIR, glob, members))
            continue
        for abbr in abbrs:
            folder = f"{ARTICLES_DIR}/{abbr}/{year}/{mm}"
            planned.append(
                (f"{year}-{mm}-{abbr}", ARTICLES_DIR, f"{abbr}/{year}/{mm}/*.html", [folder])
            )
    try:
        how = (FORMAT, version("pagefind"))
    except PackageNotFoundError:
        raise PublishError("pagefind is not installed: pip install 'pagefind[extended]'") from None
    shards = [
        Shard(
            name,
            site,
            glob,
            sum(latest[folder] for folder in members),
            _digest(how, site, glob, sorted(page for f in members for page in folders[f])),
        )
        for name, site, glob, members in planned
    ]
    return sorted(shards, key=lambda shard: shard.name)


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def _built(search: Path) -> dict[str, str]:
    """name -> digest of the shards the last build wrote."""
    try:
        listed = json.loads((search / SHARDS).read_text(encoding="utf-8"))
        return {entry["name"]: entry["digest"] for entry in listed["shards"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # none, or damaged: build every shard


def _build_shard(out: Path, shard: Shard) -> None:
    """Index one shard into a scratch folder, then put that in the shard's place."""
    search = out / SEARCH_DIR
    scratch = search / f".building-{shard.name}"
    shutil.rmtree(scratch, ignore_errors=True)
    command = [
        *(sys.executable, "-m", "pagefind", "--site", str(out / shard.site)),
        *("--glob", shard.glob, "--output-path", str(scratch)),
        # The pages say lang="zh"; forced so that pages in English join the same index.
        *("--force-language", "zh", "--silent"),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise PublishError(f"cannot run pagefind ({sys.executable} -m pagefind): {error}") from None
    if done.returncode != 0 or not (scratch / "pagefind-entry.json").is_file():
        lines = [line.strip() for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit status {done.returncode}"
        raise PublishError(f"search index {shard.name}: pagefind failed: {reason}")
    for pattern in UNUSED:
        for unused in scratch.glob(pattern):
            unused.unlink()
    target = search / shard.name
    shutil.rmtree(target, ignore_errors=True)
    scratch.rename(target)


def build_search_index(
    out: Path, library: Library, before: dict[str, str], after: dict[str, str]
) -> Indexed:
    """Bring ``out/pagefind/`` in line with the article pages listed in ``after``.

    ``library`` and ``before`` are not needed: shards.json records what each shard was built
    from, which also covers builds that did not index.
    """
    search = out / SEARCH_DIR
    search.mkdir(parents=True, exist_ok=True)
    shards = plan_shards(after)
    built = _built(search)
    stale = [
        shard
        for shard in shards
        if built.get(shard.name) != shard.digest
        or not (search / shard.name / "pagefind-entry.json").is_file()
    ]
    result = Indexed(len(shards), len(stale), sum(shard.pages for shard in stale))
    # Shards are independent: one Pagefind process per core; the first failure stops the rest.
    pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
    try:
        list(pool.map(partial(_build_shard, out), stale))
    finally:
        pool.shutdown(cancel_futures=True)
    keep = {shard.name for shard in shards} | {SHARDS}
    for entry in sorted(search.iterdir()):
        if entry.name in keep:
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
        result.deleted += 1
    listing = {"shards": [asdict(shard) for shard in shards]}
    # Written last: a build killed before this point rebuilds the same shards next time.
    write_if_changed(
        search / SHARDS, json.dumps(listing, ensure_ascii=False, indent=1, sort_keys=True).encode()
    )
    return result
