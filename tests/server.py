"""A real HTTP server on 127.0.0.1 for tests: routes map a path to a response or a function.

    with LocalServer() as server:
        server.route("/feed.xml", Reply(body=b"<rss>...</rss>", headers={"ETag": '"1"'}))
        server.url("/feed.xml")   # http://127.0.0.1:PORT/feed.xml
        server.requests           # every request seen: (method, path, headers)

A route may be a ``Reply``, a list of replies served in turn (the last one repeats), or a function
taking the request and returning a ``Reply``.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the answer starts
    gzip: bool = False  # send the body gzip-compressed with Content-Encoding
    drip: float = 0.0  # seconds between 1 KB chunks of the body


Route = Reply | list[Reply] | Callable[[Request], Reply]


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server._handle(self)

            def do_HEAD(self) -> None:
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        # A short poll interval: shutdown waits for one poll, and tests start many servers.
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, route: Route) -> None:
        with self._lock:
            self.routes[path] = route
            self._served[path] = 0

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def _reply_for(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            route = self.routes.get(request.path)
            if route is None:
                return Reply(404, b"not found")
            if isinstance(route, list):
                index = min(self._served[request.path], len(route) - 1)
                self._served[request.path] += 1
                return route[index]
        if callable(route):
            return route(request)
        return route

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        request = Request(
            handler.command, handler.path, {k.lower(): v for k, v in handler.headers.items()}
        )
        reply = self._reply_for(request)
        if reply.delay:
            time.sleep(reply.delay)
        body = gzip.compress(reply.body) if reply.gzip else reply.body
        try:
            handler.send_response(reply.status)
            for key, value in reply.headers.items():
                handler.send_header(key, value)
            if reply.gzip:
                handler.send_header("Content-Encoding", "gzip")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if handler.command == "HEAD":
                return
            if reply.drip:
                for start in range(0, len(body), 1024):
                    handler.wfile.write(body[start : start + 1024])
                    handler.wfile.flush()
                    time.sleep(reply.drip)
            else:
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class Quiet(SimpleHTTPRequestHandler):
    """Files of a folder, without a log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()  # or the browser moved on to the next page


@contextlib.contextmanager
def served(www: Path, under: str) -> Iterator[str]:
    """The URL of ``www/under/``, served over HTTP on 127.0.0.1."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=www))
    serving = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    serving.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/{under}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        serving.join()
