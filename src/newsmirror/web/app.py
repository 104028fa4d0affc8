"""The web reader: the archive's pages, search, feeds and a JSON API, served read-only.

Pages are the static site's pages (``render.pages``) at the same addresses, rendered on each
request from the index and the record, so a run's new articles show without a rebuild. Search
and its feed need a server and exist only here. Every response carries a strict
Content-Security-Policy: the reader sends no script at all.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newsmirror.archive.archive import Archive
from newsmirror.archive.library import Library
from newsmirror.render.feed_writers import FORMATS
from newsmirror.render.pages import Pages
from newsmirror.render.paths import IMAGE_FILE
from newsmirror.render.syndication import feed
from newsmirror.web import api, fever, greader
from newsmirror.web.reading import Reading
from newsmirror.web.searching import search_feed, search_page

STATIC_DIR = Path(__file__).resolve().parents[1] / "render" / "static"
HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self' https: data:; "
        b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class Reader:
    """What every request reads: the archive (opened once, read-only) and its pages."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.archive = Archive(root, write=False)
        self.pages: Pages[Library] | None = None
        self.data_version = -1

    def open(self) -> None:
        self.archive.__enter__()

    def close(self) -> None:
        self.archive.__exit__(None, None, None)

    def current(self) -> Pages[Library]:
        """The pages, renewed when a run has written to the index since (new sources)."""
        version = self.archive.store.data_version()
        if self.pages is None or version != self.data_version:
            self.pages = Pages(Library(self.archive), static=False)
            self.data_version = version
        return self.pages


def html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status)


def not_found(pages: Pages[Library], current: str) -> HTMLResponse:
    return html(pages.error(current, 404, "没有这个页面。No such page."), 404)


async def page(request: Request) -> Response:
    pages = request.app.state.reader.current()
    path = request.path_params.get("path", "")
    if path == "" or path.endswith("/"):
        path += "index.html"
    body = pages.at(path)
    return html(body) if body is not None else not_found(pages, path)


def feed_endpoint(kind: str) -> Callable[[Request], Awaitable[Response]]:
    """The route of one feed format (a key of FORMATS), for every source or one."""

    async def endpoint(request: Request) -> Response:
        pages: Pages[Library] = request.app.state.reader.current()
        abbr = request.path_params.get("abbr")
        if abbr is not None and not pages.library.knows_source(abbr):
            return not_found(pages, "index.html")
        body = feed(pages.library, abbr, kind, str(request.base_url))
        return Response(body, media_type=FORMATS[kind][1])

    return endpoint


async def search_route(request: Request) -> Response:
    pages: Pages[Library] = request.app.state.reader.current()
    return search_page(pages, request)


async def search_feed_route(request: Request) -> Response:
    pages: Pages[Library] = request.app.state.reader.current()
    return search_feed(pages, request)


async def source_folder(request: Request) -> Response:
    return RedirectResponse(f"/sources/{request.path_params['abbr']}/", status_code=301)


async def http_error(request: Request, error: Exception) -> Response:
    """Starlette's own 404s and 405s: the JSON error under /api, as the API promises."""
    assert isinstance(error, HTTPException)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": error.detail}, error.status_code, error.headers)
    return PlainTextResponse(error.detail, error.status_code, error.headers)


class Images:
    """``images/`` (the local image policy): its copies only, by the names the archive gives
    them; a 404 for any other path, and while the archive has no such folder. (An archive
    cloned from someone else's repository may hold ``images`` as a link to ``/``: what it
    links to is never served by name.)"""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files = StaticFiles(directory=directory, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        name = scope["path"][len(scope.get("root_path", "")) :].lstrip("/")
        if IMAGE_FILE.fullmatch(name) and self.directory.is_dir():
            await self.files(scope, receive, send)
        else:
            await PlainTextResponse("Not Found", 404)(scope, receive, send)


class SecurityHeaders:
    """Adds the security headers to every response (a plain ASGI wrapper: cheap per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(root: Path) -> ASGIApp:
    reader = Reader(root)
    reading = Reading(root)  # the reader-app APIs' accounts and marks

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # SQLite connections belong to the thread that made them: the event loop's.
        reader.open()
        reading.open(reader.current())
        try:
            yield
        finally:
            reading.close()
            reader.close()

    routes = [
        Route("/search.html", search_route),
        Route("/search.atom", search_feed_route),
        Mount("/api/greader", routes=greader.routes),
        Mount("/api/fever", routes=fever.routes),
        Mount("/api", routes=api.routes),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
        Mount("/images", app=Images(root / "images")),
        *[Route(f"/{name}", feed_endpoint(kind)) for kind, (name, _, _) in FORMATS.items()],
        *[
            Route("/sources/{abbr}/" + name, feed_endpoint(kind))
            for kind, (name, _, _) in FORMATS.items()
        ],
        Route("/sources/{abbr}", source_folder),
        Route("/{path:path}", page),
    ]
    app = Starlette(
        routes=routes, lifespan=lifespan, exception_handlers={HTTPException: http_error}
    )
    app.state.reader = reader
    app.state.reading = reading
    return SecurityHeaders(app)


ROOT_VARIABLE = "NEWSMIRROR_SERVE_ROOT"


def app_from_environment() -> ASGIApp:
    """The app of the archive named by NEWSMIRROR_SERVE_ROOT (for ``serve --workers N``)."""
    return create_app(Path(os.environ[ROOT_VARIABLE]))
