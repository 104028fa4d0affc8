"""The static site: every page of the web reader as files, plus feeds, sitemap and search.

Incremental by construction: each output file has a key computed from what it shows (the
articles and revisions on it, the layout), cheaply, from the index. A build renders only the
files whose key changed, deletes the files a full build would no longer write, and records the
keys in a manifest. So a build after a run re-renders what the run changed and ends with exactly
the files a full build writes; a template or setting change renders everything again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from html import escape
from pathlib import Path
from urllib.parse import urljoin

from .. import __version__
from ..archive import CACHE_DIR, Archive
from ..errors import ConfigError
from ..library import PAGE_SIZE, Library
from ..record.log import RECORD_DIR
from ..render import paths
from ..render.pages import Pages
from ..render.syndication import FEED_SIZE, feed
from ..store.sqlite import Shelved
from .feeds import FORMATS
from .mirror import ARTICLES_DIR, LISTS_DIR, write_if_changed
from .search_index import build_search_index

MANIFEST = ".newsmirror-site.json"
STATIC_DIR = Path(__file__).resolve().parents[1] / "render" / "static"
TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "render" / "templates"
PROTECTED = (ARTICLES_DIR, LISTS_DIR, RECORD_DIR, CACHE_DIR, "images", ".git")

Produce = Callable[[], bytes | None]


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
                f"choose another folder (the default is {archive.settings.publish.site_dir})"
            )
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out}: not a folder; choose a folder for the site")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise ConfigError(
            f"{out}: not empty and not a site newsmirror built; choose an empty or new folder"
        )


def _key(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def layout_key(pages: Pages, base_url: str) -> str:
    """What every page depends on: templates, stylesheet, sources, settings, version."""
    files = sorted(TEMPLATES_DIR.iterdir()) + sorted(STATIC_DIR.iterdir())
    policy = pages.library.archive.policy
    return _key(
        __version__,
        [(f.name, f.read_bytes()) for f in files],
        [(s.abbr, s.name) for s in pages.sources],
        base_url,
        policy,
        pages.library.archive.settings.mirror.utc_offset,
    )


def plan(pages: Pages, base_url: str) -> Iterator[tuple[str, str, Produce]]:
    """(path, key, produce) of every file of the site."""
    library = pages.library
    layout = layout_key(pages, base_url)
    everything = library.store.browse()
    for article in everything:
        yield (
            paths.article_page(article.path),
            _key(layout, article.id, article.rev),
            partial(_encoded, partial(pages.article, article.path)),
        )
        for rev in range(1, article.rev):
            yield (
                paths.article_page(article.path, rev),
                _key(layout, article.id, rev, article.rev),
                partial(_encoded, partial(pages.article, article.path, rev)),
            )
    yield from _lists(pages, layout, base_url, None, everything)
    for source in pages.sources:
        shelved = [a for a in everything if a.source == source.abbr]
        yield from _lists(pages, layout, base_url, source.abbr, shelved)
        days = library.days(source.abbr)
        yield (
            paths.days_page(source.abbr),
            _key(layout, days),
            partial(_encoded, partial(pages.days, source.abbr)),
        )
        for day, _ in days:
            on_day = [(a.id, a.rev) for a in library.day(source.abbr, day)]
            yield (
                paths.day_page(source.abbr, day),
                _key(layout, on_day),
                partial(_encoded, partial(pages.day, source.abbr, day)),
            )
    yield "search.html", _key(layout), partial(_encoded, pages.search_static)
    for static in sorted(STATIC_DIR.iterdir()):
        yield f"static/{static.name}", _key(layout), static.read_bytes
    yield "robots.txt", _key(base_url), partial(_robots, base_url)
    if base_url:
        listed = [(a.path, a.rev) for a in everything]
        yield "sitemap.xml", _key(listed), partial(_sitemap, base_url, everything)


def _lists(
    pages: Pages, layout: str, base_url: str, abbr: str | None, shelved: Sequence[Shelved]
) -> Iterator[tuple[str, str, Produce]]:
    """The paginated list pages and the feeds of one source, or of all."""
    count = max(1, -(-len(shelved) // PAGE_SIZE))
    for page in range(1, count + 1):
        on_page = [(a.id, a.rev) for a in shelved[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
        if abbr:
            path, produce = paths.source_page(abbr, page), partial(pages.source, abbr, page)
        else:
            path, produce = paths.home_page(page), partial(pages.home, page)
        yield path, _key(layout, count, on_page), partial(_encoded, produce)
    if base_url:
        latest = [(a.id, a.rev) for a in shelved[:FEED_SIZE]]
        for kind, (name, _, _) in FORMATS.items():
            yield (
                paths.feed_file(abbr, name),
                _key(layout, latest),
                partial(feed, pages.library, abbr, kind, base_url),
            )


def _encoded(produce: Callable[[], str | None]) -> bytes | None:
    page = produce()
    return page.encode() if page is not None else None


def _robots(base_url: str) -> bytes:
    sitemap = f"Sitemap: {urljoin(base_url, 'sitemap.xml')}\n" if base_url else ""
    return f"User-agent: *\nAllow: /\n{sitemap}".encode()


def _sitemap(base_url: str, shelved: Sequence[Shelved]) -> bytes:
    """Every article page (the lists are reached from them and change hourly)."""
    urls = [urljoin(base_url, paths.relative(paths.HOME, paths.HOME))]
    urls += [
        urljoin(base_url, paths.relative(paths.article_page(a.path), paths.HOME)) for a in shelved
    ]
    body = "".join(f"<url><loc>{escape(url)}</loc></url>\n" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{body}</urlset>\n"
    ).encode()


def build(archive: Archive, out: Path, base_url: str, *, search: bool = True) -> Built:
    """Bring ``out`` in line with the archive, rendering only what changed since last time."""
    check_output(out, archive)
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    out.mkdir(parents=True, exist_ok=True)
    manifest_file = out / MANIFEST
    before: dict[str, str] = (
        json.loads(manifest_file.read_text(encoding="utf-8")) if manifest_file.exists() else {}
    )
    pages = Pages(Library(archive), static=True)
    after: dict[str, str] = {}
    result = Built()
    for path, key, produce in plan(pages, base_url):
        target = out / path
        if before.get(path) == key and target.exists():
            after[path] = key
            continue
        data = produce()
        if data is None:
            continue
        after[path] = key
        result.rendered += 1
        result.written += write_if_changed(target, data)
    result.files = len(after)
    for path in before.keys() - after.keys():
        (out / path).unlink(missing_ok=True)
        result.deleted += 1
    if search:
        build_search_index(out, pages.library, before, after)
    # The manifest last: a build killed half-way redoes what it had not recorded.
    write_if_changed(manifest_file, json.dumps(after, sort_keys=True, indent=0).encode())
    return result
