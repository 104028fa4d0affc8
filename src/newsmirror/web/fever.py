"""The Fever API at ``/api/fever/`` (clients are given ``http://host/api/fever/``).

Every call is ``POST /api/fever/?api&WHAT`` with ``api_key`` = md5("name:password") in the
form. Items carry the same stable ids as the Google Reader API's; feeds and groups get stable
integers of their own. A wrong key answers ``auth: 0`` and nothing else.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from newsmirror.accounts.model import Selection, User
from newsmirror.accounts.protocols import PrivateStore
from newsmirror.archive.library import Library
from newsmirror.web.form import BadRequest, Params, number, one, read_params
from newsmirror.web.greader_items import groups, site_links
from newsmirror.web.reading import Reading

PAGE = 50  # items per answer, as Fever gives them
BASE = {"api_version": 3}


def _answer(data: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse({**BASE, **data}, status)


def _feeds(library: Library, store: PrivateStore) -> dict[int, str]:
    """Feed id -> source, for the sources with articles."""
    return {store.feed_id(s.abbr): s.abbr for s in library.sources()}


def _groups(library: Library, store: PrivateStore) -> dict[int, tuple[str, list[str]]]:
    """Group id -> (name, its sources)."""
    found: dict[int, tuple[str, list[str]]] = {}
    for abbr, name in groups(library).items():
        found.setdefault(store.group_id(name), (name, []))[1].append(abbr)
    return found


def _feeds_groups(library: Library, store: PrivateStore) -> list[dict[str, Any]]:
    ids = {abbr: id_ for id_, abbr in _feeds(library, store).items()}
    return [
        {"group_id": gid, "feed_ids": ",".join(str(ids[a]) for a in members if a in ids)}
        for gid, (_, members) in _groups(library, store).items()
    ]


def _ids_text(ids: list[int]) -> str:
    return ",".join(map(str, ids))


def _id_list(text: str) -> list[int]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) > PAGE or not all(p.isascii() and p.isdigit() and len(p) < 19 for p in parts):
        raise BadRequest(f"with_ids: give up to {PAGE} item ids, separated by commas")
    return [int(p) for p in parts]


async def endpoint(request: Request) -> Response:
    reading: Reading = request.app.state.reading
    refused = reading.wait(request)
    if refused is not None:
        return refused
    try:
        params = await read_params(request)
    except BadRequest as problem:
        return _answer({"auth": 0, "error": str(problem)}, problem.status)
    user = reading.by_fever_key(one(params, "api_key"))
    if user is None:
        reading.failed(request)
        return _answer({"auth": 0})
    try:
        return _answer({"auth": 1, **_calls(request, reading, user, params)})
    except BadRequest as problem:
        return _answer({"auth": 1, "error": str(problem)}, problem.status)


def _calls(request: Request, reading: Reading, user: User, params: Params) -> dict[str, Any]:
    library = reading.library(request)
    store = reading.private()
    assert store is not None  # the user was found in it
    data: dict[str, Any] = {"last_refreshed_on_time": int(time.time())}
    if "mark" in params:
        data.update(_mark(library, store, user, params))
    if "groups" in params:
        data["groups"] = [
            {"id": gid, "title": name} for gid, (name, _) in _groups(library, store).items()
        ]
        data["feeds_groups"] = _feeds_groups(library, store)
    if "feeds" in params:
        data["feeds"] = [_feed(request, library, store, s.abbr) for s in library.sources()]
        data["feeds_groups"] = _feeds_groups(library, store)
    if "favicons" in params:
        data["favicons"] = []
    if "links" in params:
        data["links"] = []
    if "unread_item_ids" in params:
        data["unread_item_ids"] = _ids_text(store.ids(user.id, read=False, starred=None))
    if "saved_item_ids" in params:
        data["saved_item_ids"] = _ids_text(store.ids(user.id, read=None, starred=True))
    if "items" in params:
        data.update(_items(request, reading, library, store, user, params))
    return data


def _feed(request: Request, library: Library, store: PrivateStore, abbr: str) -> dict[str, Any]:
    feed_url, page_url = site_links(library, str(request.url.replace(path="/", query="")), abbr)
    return {
        "id": store.feed_id(abbr),
        "favicon_id": 0,
        "title": library.name(abbr),
        "url": feed_url,
        "site_url": page_url,
        "is_spark": 0,
        "last_updated_on_time": int(time.time()),
    }


def _items(
    request: Request,
    reading: Reading,
    library: Library,
    store: PrivateStore,
    user: User,
    params: Params,
) -> dict[str, Any]:
    if "with_ids" in params:
        items = store.items(user.id, _id_list(one(params, "with_ids")))
    else:
        since, most = number(params, "since_id"), number(params, "max_id")
        if since is not None:
            selection = Selection(above=since, newest_first=False, limit=PAGE)
        else:
            selection = Selection(below=most or None, limit=PAGE)
        items = store.select(user.id, selection)
    feeds = {abbr: id_ for id_, abbr in _feeds(library, store).items()}
    return {
        "total_items": store.item_count(),
        "items": [
            {
                "id": e.item.id,
                "feed_id": feeds.get(e.item.source, 0),
                "title": e.feed.title,
                "author": ", ".join(e.feed.authors),
                "html": e.feed.content_html,
                "url": e.feed.link,
                "is_saved": int(e.item.starred),
                "is_read": int(e.item.read),
                "created_on_time": e.item.time_ms // 1000,
            }
            for e in reading.entries(library, items, request)
        ],
    }


def _mark(library: Library, store: PrivateStore, user: User, params: Params) -> dict[str, Any]:
    kind, how = one(params, "mark"), one(params, "as")
    target = number(params, "id")
    if target is None:
        raise BadRequest("id: give the item, feed or group id to mark")
    before = number(params, "before")
    until = None if before is None else before * 1000
    if kind == "item":
        changes = {"read": ("read", True), "unread": ("read", False)}
        changes |= {"saved": ("starred", True), "unsaved": ("starred", False)}
        if how not in changes:
            raise BadRequest("as: give read, unread, saved or unsaved")
        mark, value = changes[how]
        store.mark(user.id, [target], mark, value)
        if mark == "read":
            return {"unread_item_ids": _ids_text(store.ids(user.id, read=False, starred=None))}
        return {"saved_item_ids": _ids_text(store.ids(user.id, read=None, starred=True))}
    if how != "read":
        raise BadRequest("as: a feed or group can only be marked read")
    if kind == "feed":
        feeds = _feeds(library, store)
        if target not in feeds:
            raise BadRequest(f"id: no feed {target}", 404)
        store.mark_all_read(user.id, (feeds[target],), until)
    elif kind == "group":
        found = _groups(library, store)
        if target == 0:  # Fever's "Kindling": every feed
            store.mark_all_read(user.id, None, until)
        elif target in found:
            store.mark_all_read(user.id, tuple(found[target][1]), until)
        elif target != -1:  # -1, the Sparks, holds nothing here
            raise BadRequest(f"id: no group {target}", 404)
    else:
        raise BadRequest("mark: give item, feed or group")
    return {"unread_item_ids": _ids_text(store.ids(user.id, read=False, starred=None))}


routes = [Route("/", endpoint, methods=["GET", "POST"])]
