"""The Google Reader API under ``/api/greader``, laid out as FreshRSS and Miniflux lay it out
(clients are given ``http://host/api/greader`` as the server).

Log in with ``accounts/ClientLogin`` (POST ``Email``, ``Passwd``); every other route wants the
header ``Authorization: GoogleLogin auth=TOKEN``. Sources are the subscriptions (``feed/ABBR``),
their ``group`` setting the folders (``user/-/label/GROUP``); items are numbered once, in the
order they arrive, so a continuation (the last id of a page) gives the same next page however
many articles arrive meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from newsmirror.accounts import credentials
from newsmirror.accounts.model import Selection, User
from newsmirror.accounts.protocols import PrivateStore
from newsmirror.web.form import BadRequest, Params, number, one, read_params
from newsmirror.web.greader_items import (
    LABEL,
    READING_LIST,
    STARRED,
    answer_json,
    atom_stream,
    groups,
    item_id,
    items_json,
    site_links,
    stream,
)
from newsmirror.web.reading import Reading

DEFAULT_ITEMS = 20
MOST_ITEMS = 1000  # a larger n is cut to this, as Google Reader did
Handler = Callable[[Request, User, Params], Awaitable[Response]]


def _reading(request: Request) -> Reading:
    reading: Reading = request.app.state.reading
    return reading


def _site(request: Request) -> str:
    return str(request.url.replace(path="/", query="", fragment=""))


def _store(request: Request) -> PrivateStore:
    store = _reading(request).private()
    assert store is not None  # a user was found in it
    return store


def authenticated(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """The route, for a request with a valid token only; bad tokens count as failed tries."""

    async def endpoint(request: Request) -> Response:
        reading = _reading(request)
        refused = reading.wait(request)
        if refused is not None:
            return refused
        kind, _, rest = request.headers.get("authorization", "").partition(" ")
        token = rest.strip().removeprefix("auth=") if kind.lower() == "googlelogin" else ""
        user = reading.by_token(token) if token else None
        if user is None:
            reading.failed(request)
            return PlainTextResponse("Unauthorized", 401)
        try:
            return await handler(request, user, await read_params(request))
        except BadRequest as problem:
            return PlainTextResponse(str(problem), problem.status)

    return endpoint


async def client_login(request: Request) -> Response:
    reading = _reading(request)
    refused = reading.wait(request)
    if refused is not None:
        return refused
    try:
        params = await read_params(request)
    except BadRequest as problem:
        return PlainTextResponse(str(problem), problem.status)
    user = await reading.login(request, one(params, "Email"), one(params, "Passwd"))
    if user is None:  # the same answer for a wrong name and a wrong password
        return PlainTextResponse("Error=BadAuthentication\n", 401)
    token = credentials.api_token(user)
    if one(params, "output") == "json":
        return JSONResponse({"SID": token, "LSID": "null", "Auth": token})
    return PlainTextResponse(f"SID={token}\nLSID=null\nAuth={token}\n")


async def edit_token(request: Request, user: User, params: Params) -> Response:
    return PlainTextResponse(credentials.edit_token(user))


async def user_info(request: Request, user: User, params: Params) -> Response:
    return JSONResponse(
        {
            "userId": str(user.id),
            "userName": user.name,
            "userProfileId": str(user.id),
            "userEmail": "",
        }
    )


async def subscriptions(request: Request, user: User, params: Params) -> Response:
    library = _reading(request).library(request)
    folders, site = groups(library), _site(request)
    listed = []
    for source in library.sources():
        feed_url, page_url = site_links(library, site, source.abbr)
        folder = folders.get(source.abbr)
        listed.append(
            {
                "id": f"feed/{source.abbr}",
                "title": source.name,
                "categories": [{"id": LABEL + folder, "label": folder}] if folder else [],
                "url": feed_url,
                "htmlUrl": page_url,
                "iconUrl": "",
            }
        )
    return JSONResponse({"subscriptions": listed})


async def tags(request: Request, user: User, params: Params) -> Response:
    library = _reading(request).library(request)
    folders = sorted(set(groups(library).values()))
    return JSONResponse(
        {"tags": [{"id": STARRED}, *[{"id": LABEL + f, "type": "folder"} for f in folders]]}
    )


async def unread_count(request: Request, user: User, params: Params) -> Response:
    library = _reading(request).library(request)
    counts = _store(request).unread_counts(user.id)
    rows: dict[str, tuple[int, int]] = {}
    folders = groups(library)
    for abbr, (count, newest) in counts.items():
        folder = [LABEL + folders[abbr]] if abbr in folders else []
        for key in (f"feed/{abbr}", READING_LIST, *folder):
            seen, latest = rows.get(key, (0, 0))
            rows[key] = (seen + count, max(latest, newest))
    total = rows.get(READING_LIST, (0, 0))[0]
    return JSONResponse(
        {
            "max": total,
            "unreadcounts": [
                {"id": key, "count": count, "newestItemTimestampUsec": str(newest * 1000)}
                for key, (count, newest) in rows.items()
            ],
        }
    )


def _selection(request: Request, params: Params, stream_id: str) -> Selection:
    """The stream's items as asked: xt/it exclusions, ot/nt times, r order, c and n paging."""
    chosen = stream(_reading(request).library(request), stream_id)
    read, starred = chosen.read, chosen.starred
    for excluded in params.get("xt", []):
        read = False if excluded.endswith("/state/com.google/read") else read
        starred = False if excluded.endswith("/state/com.google/starred") else starred
    for included in params.get("it", []):
        read = True if included.endswith("/state/com.google/read") else read
        starred = True if included.endswith("/state/com.google/starred") else starred
    since, until, after = number(params, "ot"), number(params, "nt"), number(params, "c")
    newest_first = one(params, "r") != "o"
    return Selection(
        sources=chosen.sources,
        read=read,
        starred=starred,
        since_ms=None if since is None else since * 1000,
        until_ms=None if until is None else until * 1000,
        below=after if newest_first else None,
        above=None if newest_first else after,
        newest_first=newest_first,
        limit=max(1, min(MOST_ITEMS, number(params, "n") or DEFAULT_ITEMS)),
    )


def _stream_id(request: Request, params: Params) -> str:
    return str(request.path_params.get("stream") or one(params, "s", READING_LIST))


async def stream_contents(request: Request, user: User, params: Params) -> Response:
    stream_id = _stream_id(request, params)
    selection = _selection(request, params, stream_id)
    reading = _reading(request)
    library = reading.library(request)
    items = _store(request).select(user.id, selection)
    entries = reading.entries(library, items, request)
    return _items_answer(
        {"direction": "ltr", "id": stream_id, "updated": int(time.time())},
        items_json(entries, library, _site(request), reading.items_json),
        {"continuation": str(items[-1].id)} if len(items) == selection.limit else {},
    )


def _items_answer(fields: dict[str, Any], items: list[bytes], after: dict[str, Any]) -> Response:
    return Response(answer_json(fields, items, after), media_type="application/json")


async def item_ids(request: Request, user: User, params: Params) -> Response:
    selection = _selection(request, params, _stream_id(request, params))
    items = _store(request).select(user.id, selection)
    answer: dict[str, object] = {
        "itemRefs": [
            {"id": str(i.id), "directStreamIds": [], "timestampUsec": str(i.time_ms * 1000)}
            for i in items
        ]
    }
    if len(items) == selection.limit:
        answer["continuation"] = str(items[-1].id)
    return JSONResponse(answer)


def _ids(params: Params) -> list[int]:
    given = params.get("i", [])
    if not given:
        raise BadRequest("i: give one or more item ids")
    if len(given) > MOST_ITEMS:
        raise BadRequest(f"i: give at most {MOST_ITEMS} item ids at once")
    return [item_id(text) for text in given]


async def item_contents(request: Request, user: User, params: Params) -> Response:
    reading = _reading(request)
    library = reading.library(request)
    items = _store(request).items(user.id, _ids(params))
    entries = reading.entries(library, items, request)
    return _items_answer(
        {"id": READING_LIST, "updated": int(time.time())},
        items_json(entries, library, _site(request), reading.items_json),
        {},
    )


def _check_edit_token(params: Params, user: User) -> None:
    given = one(params, "T").strip()
    if given and not credentials.edit_token_matches(given, user):
        raise BadRequest("T: a stale action token; get a new one from /reader/api/0/token", 401)


async def edit_tag(request: Request, user: User, params: Params) -> Response:
    _check_edit_token(params, user)
    ids = _ids(params)
    _reading(request).library(request)  # articles that arrived since are numbered
    store = _store(request)
    for tag, value in [(t, True) for t in params.get("a", [])] + [
        (t, False) for t in params.get("r", [])
    ]:
        if tag.endswith("/state/com.google/read"):
            store.mark(user.id, ids, "read", value)
        elif tag.endswith("/state/com.google/starred"):
            store.mark(user.id, ids, "starred", value)
        # Other tags (kept-unread, broadcast, labels) are not kept: nothing to change.
    return PlainTextResponse("OK")


async def mark_all_as_read(request: Request, user: User, params: Params) -> Response:
    _check_edit_token(params, user)
    chosen = stream(_reading(request).library(request), one(params, "s", READING_LIST))
    if chosen.read is not None or chosen.starred is not None:
        raise BadRequest("s: give a feed, a folder or the reading list")
    before_us = number(params, "ts")
    until = None if before_us is None else before_us // 1000 + 1
    _store(request).mark_all_read(user.id, chosen.sources, until)
    return PlainTextResponse("OK")


async def atom(request: Request, user: User, params: Params) -> Response:
    """A stream as Atom (newsboat's client, the ``feedhq`` url source, reads these)."""
    stream_id = _stream_id(request, params)
    selection = _selection(request, params, stream_id)
    reading = _reading(request)
    library = reading.library(request)
    entries = reading.entries(library, _store(request).select(user.id, selection), request)
    abbr = stream_id.removeprefix("feed/") if stream_id.startswith("feed/") else None
    title = library.name(abbr) if abbr else "newsmirror"
    home = site_links(library, _site(request), abbr)[1] if abbr else _site(request)
    body = atom_stream(stream_id, title, home, entries, groups(library))
    return Response(body, media_type="application/atom+xml")


API = "/reader/api/0"
routes = [
    Route("/accounts/ClientLogin", client_login, methods=["POST"]),
    Route(f"{API}/token", authenticated(edit_token), methods=["GET", "POST"]),
    Route(f"{API}/user-info", authenticated(user_info)),
    Route(f"{API}/subscription/list", authenticated(subscriptions)),
    Route(f"{API}/tag/list", authenticated(tags)),
    Route(f"{API}/unread-count", authenticated(unread_count)),
    Route(f"{API}/stream/contents", authenticated(stream_contents)),
    Route(f"{API}/stream/contents/{{stream:path}}", authenticated(stream_contents)),
    Route(f"{API}/stream/items/ids", authenticated(item_ids)),
    Route(f"{API}/stream/items/contents", authenticated(item_contents), methods=["GET", "POST"]),
    Route(f"{API}/edit-tag", authenticated(edit_tag), methods=["POST"]),
    Route(f"{API}/mark-all-as-read", authenticated(mark_all_as_read), methods=["POST"]),
    Route("/reader/atom/{stream:path}", authenticated(atom)),
]
