"""Following a feed, or no longer, as a use-case (``newsmirror sources add`` and ``remove``)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from newsmirror.archive.archive import Archive
from newsmirror.feeds import parse_feed
from newsmirror.fetch import Fetcher, Validators
from newsmirror.ingest.run import fetch_feed
from newsmirror.settings.configfile import ConfigEditor, derive_abbr, list_name
from newsmirror.settings.sources import Source

log = logging.getLogger(__name__)


async def _resolve(root: Path, url: str) -> tuple[str, str]:
    """(feed URL, feed title) of ``url``, resolving a page through autodiscovery."""
    with Archive(root, write=False) as archive:
        settings = archive.settings.fetch
    async with Fetcher(settings) as fetcher:
        response, feed_url = await fetch_feed(fetcher, url, Validators())
    return feed_url, parse_feed(response.content, response.url, response.content_type).title


def add_source(
    root: Path,
    url: str,
    *,
    name: str | None = None,
    abbr: str | None = None,
    full_text: str = "auto",
    fetch: bool = True,
) -> Source:
    """Follow the feed at ``url``, or the first feed the page at ``url`` links to; fetched first
    (unless not ``fetch``) to check it and to name the source after the feed's title."""
    editor = ConfigEditor(root)
    with Archive(root, write=False) as archive:
        abbrs = {s.abbr for s in archive.settings.sources}
    title = ""
    if fetch:
        url, title = asyncio.run(_resolve(root, url))
        log.info("%s: the feed is %s", url, title or "untitled")
    abbr = abbr or derive_abbr(url, abbrs)
    source = Source(name or list_name(title) or abbr, abbr, url, full_text=full_text)
    editor.add(source)
    editor.save()
    return source


def remove_source(root: Path, abbr: str) -> Source:
    """Stop following the source ``abbr``; its articles stay in the record."""
    editor = ConfigEditor(root)
    with Archive(root, write=False):  # a wrong archive is refused before anything changes
        pass
    removed = editor.remove(abbr)
    editor.save()
    with Archive(root) as archive:  # its schedule and validators mean nothing any more
        archive.store.forget_source(removed.abbr)
    return removed
