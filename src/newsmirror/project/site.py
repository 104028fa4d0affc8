"""The static site: every page of the web reader as files, plus feeds, sitemap and search.

Incremental by construction: each output file has a key computed from what it shows (the
articles and revisions on it, the layout), cheaply, from the index. A build renders only the
files whose key changed, deletes the files a full build would no longer write, and records the
keys in a manifest. So a build after a run re-renders what the run changed and ends with exactly
the files a full build writes; a template or setting change renders everything again.

The index is read once (``library.PreloadedLibrary``); lists and days are cut from it in memory.
When there is much to render, the work is shared among worker processes, one per CPU (started
as ``pools.py`` says), each with its own connection to the index.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from pathlib import Path
from typing import Any, Concatenate
from urllib.parse import quote, urlsplit

from newsmirror import __version__
from newsmirror.archive.archive import CACHE_DIR, Archive
from newsmirror.archive.library import PreloadedLibrary
from newsmirror.errors import ConfigError
from newsmirror.pools import cpus, process_pool
from newsmirror.project.files import write_if_changed
from newsmirror.project.search_index import SearchIndexing
from newsmirror.record.log import RECORD_DIR
from newsmirror.render import paths
from newsmirror.render.crawlers import robots_txt, sitemap
from newsmirror.render.feed_writers import FORMATS
from newsmirror.render.pages import Pages
from newsmirror.render.paths import ARTICLES_DIR, IMAGES_DIR, LISTS_DIR
from newsmirror.render.search_terms import FOLD_TABLE, fold_table
from newsmirror.render.syndication import FEED_SIZE, Made, feed
from newsmirror.render.views import PAGE_SIZE, list_bounds
from newsmirror.search.index import VERSION as TERMS_VERSION
from newsmirror.settings.config import PublishSettings
from newsmirror.store.model import Shelved

MANIFEST = ".newsmirror-site.json"
STATIC_DIR = Path(__file__).resolve().parents[1] / "render" / "static"
TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "render" / "templates"
PROTECTED = (ARTICLES_DIR, LISTS_DIR, RECORD_DIR, CACHE_DIR, IMAGES_DIR, ".git")

# Files to render for each worker process below which one is not worth starting (it opens the
# archive and reads its index again: a few tenths of a second for 20,000 articles).
PER_WORKER = 500
# A path with an empty, "." or ".." part: not plainly a file inside the site's folder.
_NOT_INSIDE = re.compile(r"(?:^|/)\.{0,2}(?:/|$)")


@dataclass
class Built:
    files: int = 0  # files a full build writes
    rendered: int = 0  # rendered this time (new or changed keys)
    written: int = 0  # of those, whose bytes changed on disk
    deleted: int = 0


def check_output(out: Path, archive: Archive) -> None:
    """Refuse an output folder that would overwrite or delete what is not a site of ours."""
    root = archive.root
    out = out.resolve()
    if out == root or root.is_relative_to(out):
        raise ConfigError(f"{out}: the site would hold the archive itself; choose another folder")
    for name in PROTECTED:
        if out.is_relative_to(root / name):
            raise ConfigError(
                f"{out}: inside the archive's {name}/, which the site must not touch; "
                f"choose another folder (the default is {PublishSettings().site_dir})"
            )
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out}: not a folder; choose a folder for the site")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise ConfigError(
            f"{out}: not empty and not a site newsmirror built; choose an empty or new folder"
        )


def check_base_url(base_url: str, where: str = "base URL") -> str:
    """The site's public URL, normalized and ending in a slash ("" for none); refuses what
    cannot be one: robots.txt, the sitemap and the feeds carry it as it is returned, so a line
    break or a space in it would write lines of its own there (``Disallow: /`` in robots.txt).

    ``where``: how the caller names the setting in the error (``--base-url``, ``[publish]
    site_url``)."""
    if not base_url:
        return ""
    refused = ConfigError(
        f"{where} {base_url!r}: not a base URL; give the address the site is published at, "
        "like https://example.org/news/ (http or https, a host, no spaces or control characters)"
    )
    if any(char.isspace() or not char.isprintable() for char in base_url):
        raise refused
    try:
        parts = urlsplit(base_url)
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise refused from None
    if (
        parts.scheme.lower() not in ("http", "https")
        or not host
        or parts.username is not None
        or parts.query
        or parts.fragment
        or "?" in base_url
        or "#" in base_url
    ):
        raise refused
    netloc = f"[{host}]" if ":" in host else host
    netloc += "" if port is None else f":{port}"
    path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~")
    path = path if path.endswith("/") else path + "/"
    return f"{parts.scheme.lower()}://{netloc}{path}"


def _key(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def layout_key(pages: Pages[PreloadedLibrary], base_url: str) -> str:
    """What every page depends on: templates, stylesheet, sources, settings, version, and the
    search index's (article pages carry its terms: ``render.search_terms``)."""
    files = sorted(TEMPLATES_DIR.iterdir()) + sorted(STATIC_DIR.iterdir())
    policy = pages.library.archive.policy
    return _key(
        __version__,
        TERMS_VERSION,
        [(f.name, f.read_bytes()) for f in files],
        [(s.abbr, s.name) for s in pages.sources],
        base_url,
        policy,
        pages.library.archive.settings.mirror.utc_offset,
    )


@dataclass(frozen=True)
class Job:
    """How to render one file: a method of SiteRenderer and its arguments. Plain data, so that a
    worker process can render it."""

    produce: Callable[Concatenate[SiteRenderer, ...], bytes | None]
    args: tuple[Any, ...] = ()


class SiteRenderer:
    """Renders the files of a site from a snapshot of the archive's index; one per process."""

    def __init__(self, archive: Archive, base_url: str) -> None:
        self.library = PreloadedLibrary(archive)
        self.pages = Pages(self.library, static=True, feeds=bool(base_url))
        self.base_url = base_url
        self.feed_items: Made = {}

    def render(self, job: Job) -> bytes | None:
        return job.produce(self, *job.args)

    def article(self, mirror_path: str, rev: int | None = None) -> bytes | None:
        return _encoded(self.pages.article(mirror_path, rev))

    def home(self, page: int) -> bytes | None:
        return _encoded(self.pages.home(page))

    def source(self, abbr: str, page: int) -> bytes | None:
        return _encoded(self.pages.source(abbr, page))

    def days(self, abbr: str) -> bytes | None:
        return _encoded(self.pages.days(abbr))

    def day(self, abbr: str, day: date) -> bytes | None:
        return _encoded(self.pages.day(abbr, day))

    def search(self) -> bytes:
        return self.pages.search_static().encode()

    def static(self, name: str) -> bytes:
        return (STATIC_DIR / name).read_bytes()

    def fold_table(self) -> bytes:
        return fold_table()

    def feed(self, abbr: str | None, kind: str) -> bytes:
        return feed(self.library, abbr, kind, self.base_url, self.feed_items)

    def robots(self) -> bytes:
        return robots_txt(self.base_url)

    def sitemap(self) -> bytes:
        return sitemap(self.base_url, self.library.shelved())


SiteFiles = Iterator[tuple[str, str, Job]]  # (path, key, job) of files of the site


def plan(renderer: SiteRenderer) -> SiteFiles:
    """Every file of the site."""
    layout = layout_key(renderer.pages, renderer.base_url)
    library, base_url = renderer.library, renderer.base_url
    yield from _articles(layout, library.shelved())
    yield from _lists(layout, base_url, None, library.shelved())
    for source in renderer.pages.sources:
        yield from _lists(layout, base_url, source.abbr, library.shelved(source.abbr))
        yield from _days(layout, library, source.abbr)
    yield "search.html", _key(layout), Job(SiteRenderer.search)
    for static in sorted(STATIC_DIR.iterdir()):
        yield f"static/{static.name}", _key(layout), Job(SiteRenderer.static, (static.name,))
    yield f"static/{FOLD_TABLE}", _key(layout), Job(SiteRenderer.fold_table)
    yield "robots.txt", _key(base_url), Job(SiteRenderer.robots)
    if base_url:
        listed = [(a.path, a.rev) for a in library.shelved()]
        yield "sitemap.xml", _key(base_url, listed), Job(SiteRenderer.sitemap)


def _articles(layout: str, shelved: Sequence[Shelved]) -> SiteFiles:
    """Each article's page, and a page for each of its earlier versions."""
    for article in shelved:
        yield (
            paths.article_page(article.path),
            _key(layout, article.id, article.rev),
            Job(SiteRenderer.article, (article.path,)),
        )
        for rev in range(1, article.rev):
            yield (
                paths.article_page(article.path, rev),
                _key(layout, article.id, rev, article.rev),
                Job(SiteRenderer.article, (article.path, rev)),
            )


def _lists(layout: str, base_url: str, abbr: str | None, shelved: Sequence[Shelved]) -> SiteFiles:
    """The list pages and the feeds of one source, or of all. A numbered page's key is its
    articles and whether it is the newest numbered page (which links to the front page)."""
    numbers: list[int | None] = [None, *range(1, max(1, -(-len(shelved) // PAGE_SIZE)) + 1)]
    for number in numbers:
        bounds = list_bounds(len(shelved), number, PAGE_SIZE)
        if bounds is None:
            continue
        start, stop, page = bounds
        on_page = [(a.id, a.rev) for a in shelved[start:stop]]
        if abbr:
            path, job = paths.source_page(abbr, number), Job(SiteRenderer.source, (abbr, number))
        else:
            path, job = paths.home_page(number), Job(SiteRenderer.home, (number,))
        yield path, _key(layout, on_page, page.older, page.newer), job
    if base_url:
        latest = [(a.id, a.rev) for a in shelved[:FEED_SIZE]]
        for kind, (name, _, _) in FORMATS.items():
            yield (
                paths.feed_file(abbr, name),
                _key(layout, latest),
                Job(SiteRenderer.feed, (abbr, kind)),
            )


def _days(layout: str, library: PreloadedLibrary, abbr: str) -> SiteFiles:
    """The page of the days a source has articles, and each day's page."""
    days = library.days(abbr)
    yield paths.days_page(abbr), _key(layout, days), Job(SiteRenderer.days, (abbr,))
    for day, _ in days:
        on_day = [(a.id, a.rev) for a in library.day(abbr, day)]
        yield paths.day_page(abbr, day), _key(layout, on_day), Job(SiteRenderer.day, (abbr, day))


def _encoded(page: str | None) -> bytes | None:
    return page.encode() if page is not None else None


def build(
    archive: Archive, out: Path, base_url: str, *, search: bool = True, jobs: int | None = None
) -> Built:
    """Bring ``out`` in line with the archive, rendering only what changed since last time.

    ``jobs``: worker processes to render in; by default one per CPU when there is enough to
    render, else none."""
    check_output(out, archive)
    renderer = SiteRenderer(archive, check_base_url(base_url))
    out.mkdir(parents=True, exist_ok=True)
    if not (out / MANIFEST).is_file():
        # Before anything else: a first build killed half-way leaves a folder recognizably
        # ours, which the next build takes up (check_output) and renders in full.
        write_if_changed(out / MANIFEST, b"{}", within=out)
    before = _read_manifest(out / MANIFEST)
    existing = _files(out)
    planned = {path: (key, job) for path, key, job in plan(renderer)}
    result = Built()
    for path in sorted(before.keys() - planned.keys()):
        _delete(out, path)
        result.deleted += 1
    after: dict[str, str] = {}  # path -> key of the files of the site
    articles: Todo = []  # to render first: the search index reads them
    others: Todo = []
    for path, (key, job) in planned.items():
        if before.get(path) == key and path in existing:
            after[path] = key
        else:
            todo = articles if job.produce is SiteRenderer.article else others
            todo.append((path, job, path in existing))
    jobs = jobs if jobs is not None else min(cpus(), (len(articles) + len(others)) // PER_WORKER)

    def render(todo: Todo) -> None:
        for path, written in _render(renderer, out, todo, jobs):
            if written is None:  # no such page (any more)
                if path in before:
                    _delete(out, path)
                    result.deleted += 1
                continue
            after[path] = planned[path][0]
            result.rendered += 1
            result.written += written

    if not search:
        render(articles + others)
    else:  # Pagefind indexes the article pages while the lists and feeds are rendered
        render(articles)
        with SearchIndexing(out, after) as indexing:
            render(others)
            indexing.finish()
    result.files = len(after)
    # The manifest last: a build killed half-way redoes what it had not recorded. One entry a
    # line, by the C encoder (indent= would take the pure-Python one).
    manifest = json.dumps(after, sort_keys=True, separators=(",\n", ": "))
    write_if_changed(out / MANIFEST, manifest.encode(), within=out)
    return result


def _read_manifest(file: Path) -> dict[str, str]:
    """The keys of the files the last build wrote; none when unreadable (render everything)."""
    try:
        keys = json.loads(file.read_bytes())
    except (FileNotFoundError, ValueError):
        return {}
    if not isinstance(keys, dict):
        return {}
    # A path that is not plainly inside the folder cannot be ours: the build would delete it.
    return {
        path: key
        for path, key in keys.items()
        if isinstance(key, str) and not _NOT_INSIDE.search(path)
    }


def _files(out: Path) -> set[str]:
    """Every file under ``out``, by path relative to it (one walk, not a stat per file)."""
    found: set[str] = set()
    for folder, _, names in os.walk(out):
        here = Path(folder).relative_to(out).as_posix()
        found.update(name if here == "." else f"{here}/{name}" for name in names)
    return found


Todo = list[tuple[str, Job, bool]]  # (path, how to render it, whether a file is there)
Rendered = list[tuple[str, bool | None]]  # (path, bytes changed; None: no such page)


def _render(renderer: SiteRenderer, out: Path, todo: Todo, jobs: int) -> Rendered:
    """Render and write the files of ``todo``, here or in ``jobs`` worker processes."""
    if jobs < 2 or len(todo) < 2:
        return _render_here(renderer, out, todo)
    # Workers open their own connection to the index: a connection must not cross a fork.
    shares = [todo[i::jobs] for i in range(jobs)]  # interleaved: each gets every kind of page
    root, base_url = renderer.library.archive.root, renderer.base_url
    with process_pool(jobs, preload=[__name__]) as pool:
        done = pool.map(_render_apart, repeat(root), repeat(out), repeat(base_url), shares)
        return [item for share in done for item in share]


def _render_here(renderer: SiteRenderer, out: Path, todo: Todo) -> Rendered:
    rendered: Rendered = []
    for path, job, on_disk in todo:
        data = renderer.render(job)
        written = (
            None
            if data is None
            else write_if_changed(out / path, data, within=out, new=not on_disk)
        )
        rendered.append((path, written))
    return rendered


def _render_apart(root: Path, out: Path, base_url: str, todo: Todo) -> Rendered:
    """In a worker process, with its own connection to the index (a reader needs no lock)."""
    with Archive(root, write=False) as archive:
        return _render_here(SiteRenderer(archive, base_url), out, todo)


def _delete(out: Path, path: str) -> None:
    """Delete a file of the site, and the folders it leaves empty."""
    target = out / path
    target.unlink(missing_ok=True)
    for folder in target.parents:
        if folder == out:
            return
        try:
            folder.rmdir()  # only when empty
        except FileNotFoundError:
            continue
        except OSError:
            return
