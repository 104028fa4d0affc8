"""Full text from article pages: fetch each wanted page (all its pages), extract, fill in."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from newsmirror.clean import ImagePolicy
from newsmirror.decide.items import Planned
from newsmirror.errors import FetchError
from newsmirror.extract import Extraction
from newsmirror.fetch import Getter
from newsmirror.prepare.candidates import Preparer, with_page

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
MAX_PAGES = 10  # of one multi-page article


async def fetch_article(fetcher: Getter, preparer: Preparer, url: str) -> Extraction:
    """The article at ``url``, its later pages ("next page" links) joined into one body."""
    try:
        response = await fetcher.get(url, accept=PAGE_ACCEPT)
    except FetchError as error:
        return Extraction(status=f"page not fetched: {error.reason}", url=url)
    first = await preparer.extract(response.content, response.url, response.content_type)
    bodies, seen, page = [first.html], {url, response.url}, first
    while first.ok and page.next_page and page.next_page not in seen and len(seen) <= MAX_PAGES:
        seen.add(page.next_page)
        try:
            response = await fetcher.get(page.next_page, accept=PAGE_ACCEPT)
        except FetchError:
            break  # the pages we have are still the article, if not all of it
        page = await preparer.extract(response.content, response.url, response.content_type)
        if not page.ok:
            break
        bodies.append(page.html)
    return replace(first, html="".join(bodies)) if len(bodies) > 1 else first


async def fetch_pages(
    fetcher: Getter, preparer: Preparer, policy: ImagePolicy, planned: list[Planned]
) -> list[Planned]:
    """``planned`` with the body of each item that wants its page taken from the page."""

    async def complete(plan: Planned) -> Planned:
        candidate = plan.candidate
        if not candidate.wants_page or not candidate.url:
            return plan
        extraction = await fetch_article(fetcher, preparer, candidate.url)
        return replace(plan, candidate=with_page(candidate, extraction, policy))

    return list(await asyncio.gather(*(complete(plan) for plan in planned)))
