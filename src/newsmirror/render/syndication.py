"""The archive's feeds: the latest articles, of one source or all, in full, as items for the
writers in ``feed_writers``. The web reader and the static site both serve these."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from urllib.parse import urljoin

from newsmirror.clean import map_image_sources, plain_text
from newsmirror.record.model import epoch_ms, parse_iso
from newsmirror.render import paths
from newsmirror.render.feed_writers import FORMATS, FeedInfo, SyndicationItem
from newsmirror.render.views import Shelves
from newsmirror.store.model import Shelved
from newsmirror.text.escaping import http_url

FEED_SIZE = 50
SUMMARY_CHARS = 200


Made = dict[tuple[str, int], SyndicationItem]  # (article, rev) -> its item, for feeds made together


def feed_items(
    library: Shelves, shelved: Iterable[Shelved], base_url: str, made: Made | None = None
) -> list[SyndicationItem]:
    """Each article's latest revision as a feed item; links absolute under ``base_url``.
    ``made``: items already made (a site's three formats of each feed share them), added to."""
    items = []
    for article in shelved:
        if made is not None and (article.id, article.rev) in made:
            items.append(made[article.id, article.rev])
            continue
        revision = library.latest(article)
        link = urljoin(base_url, paths.relative(paths.article_page(article.path), paths.HOME))
        # Feed readers resolve relative URLs against the feed, not the article page.
        body = map_image_sources(library.body(revision), partial(urljoin, link))
        items.append(
            SyndicationItem(
                id=revision.article,
                title=revision.title,
                link=link,
                original_url=http_url(revision.url),
                published_ms=article.time_ms,
                updated_ms=epoch_ms(parse_iso(revision.fetched)),
                authors=revision.authors,
                content_html=body,
                summary=plain_text(revision.html)[:SUMMARY_CHARS],
                categories=revision.categories,
            )
        )
        if made is not None:
            made[article.id, article.rev] = items[-1]
    return items


def feed(
    library: Shelves, abbr: str | None, kind: str, base_url: str, made: Made | None = None
) -> bytes:
    """The feed of ``kind`` (a key of FORMATS) of one source, or of every source."""
    name, _, write = FORMATS[kind]
    title = library.name(abbr) if abbr else "newsmirror"
    home = paths.source_page(abbr) if abbr else paths.HOME
    info = FeedInfo(
        title=title,
        home_url=urljoin(base_url, paths.relative(home, paths.HOME)),
        self_url=urljoin(base_url, paths.relative(paths.feed_file(abbr, name), paths.HOME)),
        id=f"feed:{abbr or ''}",
    )
    shelved = library.shelf(abbr, 1, FEED_SIZE).items  # a build's snapshot has them in memory
    return write(info, feed_items(library, shelved, base_url, made))
