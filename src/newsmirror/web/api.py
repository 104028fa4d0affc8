"""The JSON API under ``/api``: the reader's lists, articles and searches as data.

Errors are ``{"error": "..."}`` with a 4xx status naming what to fix.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from newsmirror.archive.library import Library
from newsmirror.render import paths
from newsmirror.render.pages import Pages
from newsmirror.search import Hit, hit_json
from newsmirror.store.model import Shelved
from newsmirror.web.searching import BadParameter, run_search

MAX_PAGE_SIZE = 100


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


def _error(message: str, status: int = 400) -> JSONResponse:
    return _json({"error": message}, status)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")


def _listed(item: Shelved) -> dict[str, Any]:
    return {
        "id": item.id,
        "source": item.source,
        "title": item.title,
        "url": item.url,
        "path": item.path,
        "page": paths.article_page(item.path),
        "published": _iso(item.time_ms),
        "revisions": item.rev,
        "removed": item.removed,
    }


def _number(request: Request, name: str, default: int, most: int) -> int:
    text = request.query_params.get(name, str(default)).strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= most:
        raise BadParameter(f"{name}: give a number from 1 to {most}")
    return int(text)


def _pages(request: Request) -> Pages[Library]:
    pages: Pages[Library] = request.app.state.reader.current()
    return pages


async def sources(request: Request) -> JSONResponse:
    return _json([vars(info) for info in _pages(request).library.sources()])


async def articles(request: Request) -> JSONResponse:
    library = _pages(request).library
    source = request.query_params.get("source") or None
    if source is not None and not library.knows_source(source):
        return _error(f"source: no source {source!r}; see /api/sources", 404)
    try:
        size = _number(request, "size", 30, MAX_PAGE_SIZE)
        page = _number(request, "page", 1, 10**6)
        day_text = request.query_params.get("day")
        if day_text:
            if source is None:
                raise BadParameter("day: give a source too")
            try:
                day = date.fromisoformat(day_text)
            except ValueError:
                raise BadParameter("day: give a date as YYYY-MM-DD") from None
            items = library.day(source, day)
            return _json({"articles": [_listed(item) for item in items], "total": len(items)})
    except BadParameter as problem:
        return _error(str(problem))
    shelf = library.shelf(source, page, size)
    return _json(
        {
            "page": shelf.page,
            "pages": shelf.pages,
            "total": shelf.total,
            "articles": [_listed(item) for item in shelf.items],
        }
    )


async def article(request: Request) -> JSONResponse:
    library = _pages(request).library
    rev_text = request.query_params.get("rev")
    if rev_text is not None and not (rev_text.isascii() and rev_text.isdigit()):
        return _error("rev: give a revision number")
    view = library.article(request.path_params["id"], int(rev_text) if rev_text else None)
    if view is None:
        return _error("no such article (or revision); ids are in /api/articles", 404)
    r = view.revision
    return _json(
        {
            **_listed(view.shelved),
            "rev": r.rev,
            "title": r.title,
            "authors": list(r.authors),
            "categories": list(r.categories),
            "first_seen": r.first_seen,
            "fetched": r.fetched,
            "change": r.change,
            "evidence": r.evidence if view.removal else {},
            "html": view.body,
            "text": r.text,
            "versions": [vars(v) for v in view.versions],
        }
    )


async def search(request: Request) -> JSONResponse:
    try:
        form, result = run_search(_pages(request), request.query_params)
    except BadParameter as problem:
        return _error(str(problem))
    return _json(
        {
            "query": form.text,
            "page": form.page,
            "total": result.total,
            "total_is_estimate": result.total_is_estimate,
            "results": [_found(hit) for hit in result.hits],
        }
    )


def _found(hit: Hit) -> dict[str, Any]:
    """A search hit as ``search --json`` prints it, with ``id`` for ``article`` and its page."""
    data: dict[str, Any] = hit_json(hit)
    data["id"] = data.pop("article")
    return {**data, "page": paths.article_page(hit.path)}


routes = [
    Route("/sources", sources),
    Route("/articles", articles),
    Route("/articles/{id}", article),
    Route("/search", search),
]
