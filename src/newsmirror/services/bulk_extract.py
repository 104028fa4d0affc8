"""``newsmirror extract``: many pages (files or URLs) to JSON Lines, on all cores."""

from __future__ import annotations

import asyncio
import gzip
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from newsmirror.errors import ConfigError, FetchError
from newsmirror.extract import extract_article
from newsmirror.extract.model import Extraction
from newsmirror.fetch import Fetcher
from newsmirror.pools import cpus, process_pool
from newsmirror.settings.config import FetchSettings
from newsmirror.text.urls import is_http


@dataclass(frozen=True)
class Input:
    path: str | None  # a file (may end in .gz)
    url: str | None  # the page's URL: fetched when there is no path, else only a base for links


def inputs_from_manifest(stream: TextIO, name: str) -> Iterator[Input]:
    """``{"path": ..., "url": ...}`` per line; relative paths are relative to the manifest."""
    base = Path(name).parent if name != "-" else Path.cwd()
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            path, url = entry.get("path"), entry.get("url")
        except (ValueError, AttributeError):
            raise ConfigError(f"{name}:{number}: not a JSON object with path and url") from None
        if not path and not url:
            raise ConfigError(f"{name}:{number}: give a path, a url, or both")
        yield Input(str(base / path) if path else None, url)


def inputs_from_arguments(arguments: Iterable[str]) -> Iterator[Input]:
    for argument in arguments:
        yield Input(None, argument) if is_http(argument) else Input(argument, None)


def read_page(path: str) -> bytes:
    with open(path, "rb") as handle:
        data = handle.read()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def as_json(item: Input, extraction: Extraction) -> dict[str, Any]:
    def image(found: Any) -> dict[str, str] | None:
        return {"src": found.src, "caption": found.caption} if found else None

    return {
        "path": item.path,
        "url": extraction.url or item.url,
        "title": extraction.title,
        "published": extraction.published.isoformat() if extraction.published else None,
        "updated": extraction.updated.isoformat() if extraction.updated else None,
        "authors": list(extraction.authors),
        "lead_image": image(extraction.lead_image),
        "images": [image(found) for found in extraction.images],
        "html": extraction.html,
        "text": extraction.text,
        "status": extraction.status,
    }


def extract_input(item: Input, fetched: bytes | str | None) -> dict[str, Any]:
    """One input extracted (runs in a worker): a file read here, or a page fetched already
    (``fetched`` is its body, or why it could not be fetched)."""
    if isinstance(fetched, str):
        return as_json(item, Extraction(status=fetched, url=item.url))
    if fetched is None:
        assert item.path is not None
        try:
            fetched = read_page(item.path)
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            reason = getattr(error, "strerror", None) or str(error)
            return as_json(item, Extraction(status=f"cannot read {item.path}: {reason}"))
    return as_json(item, extract_article(fetched, item.url))


async def _fetch_all(urls: list[str], settings: FetchSettings) -> dict[str, bytes | str]:
    async with Fetcher(settings) as fetcher:

        async def one(url: str) -> bytes | str:
            try:
                return (await fetcher.get(url)).content
            except FetchError as error:
                return f"not fetched: {error.reason}"

        pages = await asyncio.gather(*(one(url) for url in urls))
    return dict(zip(urls, pages, strict=True))


def extract_all(
    items: Iterable[Input], settings: FetchSettings, workers: int | None = None
) -> Iterator[dict[str, Any]]:
    """Extraction results in input order, extracted on all cores."""
    items = list(items)
    urls = [item.url for item in items if not item.path and item.url]
    pages = asyncio.run(_fetch_all(urls, settings)) if urls else {}
    fetched = [None if item.path else pages[item.url or ""] for item in items]
    with process_pool(workers or cpus(), preload=[__name__]) as pool:
        yield from pool.map(extract_input, items, fetched, chunksize=4)


def write_lines(results: Iterable[dict[str, Any]], out: TextIO = sys.stdout) -> int:
    count = 0
    for result in results:
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        count += 1
    return count
