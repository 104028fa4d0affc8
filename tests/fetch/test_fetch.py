"""The fetcher against a real HTTP server on 127.0.0.1 (and 127.0.0.2)."""

from __future__ import annotations

import asyncio
import http.client
import ipaddress
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsmirror.errors import (
    BlockedAddress,
    ConfigError,
    ConnectFailed,
    FetchError,
    FetchTimeout,
    HTTPStatus,
    ResponseTooLarge,
    TooManyRedirects,
)
from newsmirror.fetch import Fetcher, Response, Validators, guard
from newsmirror.fetch.guard import is_public
from newsmirror.fetch.retry import parse_retry_after
from newsmirror.settings.config import FetchSettings
from server import LocalServer, Reply, Request


def settings(**overrides: Any) -> FetchSettings:
    """Small deadlines and back-off so the suite stays fast; loopback allowed unless overridden."""
    values: dict[str, Any] = {
        "timeout": 2.0,
        "connect_timeout": 1.0,
        "retries": 2,
        "backoff": 0.01,
        "retry_after_max": 0.2,
        "max_bytes": 100_000,
        "allow_private_networks": True,
    }
    values.update(overrides)
    return FetchSettings(**values)


def fetch(url: str, config: FetchSettings | None = None, **kwargs: Any) -> Response:
    async def run() -> Response:
        async with Fetcher(config or settings()) as fetcher:
            return await fetcher.get(url, **kwargs)

    return asyncio.run(run())


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def side_server(
    host: str, handle: Callable[[BaseHTTPRequestHandler], None]
) -> Iterator[tuple[int, list[str]]]:
    """A second tiny server (another address, or a proxy); yields its port and the paths seen."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            seen.append(self.path)
            handle(self)

    httpd = ThreadingHTTPServer((host, 0), Handler)  # Linux routes all of 127.0.0.0/8 locally
    httpd.daemon_threads = True
    # A short poll interval keeps shutdown fast (the default costs 0.5 s per server).
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield httpd.server_address[1], seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def answer(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key.replace("_", "-"), value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def forward(handler: BaseHTTPRequestHandler) -> None:
    """A plain HTTP forward proxy: the request line holds the absolute target URL."""
    target = urlsplit(handler.path)
    upstream = http.client.HTTPConnection(target.hostname or "", target.port or 80, timeout=5)
    path = target.path + (f"?{target.query}" if target.query else "")
    upstream.request("GET", path, headers={"Host": target.netloc, "X-Via": "test-proxy"})
    reply = upstream.getresponse()
    answer(handler, reply.status, reply.read())
    upstream.close()


def test_ok_with_body_and_validators(server: LocalServer) -> None:
    headers = {
        "ETag": '"v1"',
        "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT",
        "Content-Type": "application/rss+xml; charset=UTF-8",
    }
    server.route("/feed.xml", Reply(body=b"<rss/>", headers=headers))
    response = fetch(server.url("/feed.xml"), accept="application/rss+xml")
    assert (response.status, response.content, response.url) == (
        200,
        b"<rss/>",
        server.url("/feed.xml"),
    )
    assert response.validators == Validators('"v1"', "Wed, 01 May 2024 10:00:00 GMT")
    assert response.content_type == "application/rss+xml; charset=UTF-8"
    assert response.charset == "UTF-8"
    assert response.headers["etag"] == '"v1"' and not response.not_modified
    sent = server.requests[0].headers
    assert sent["user-agent"] == FetchSettings().user_agent
    assert sent["accept"] == "application/rss+xml"
    assert sent["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in sent


def test_conditional_get_returns_304(server: LocalServer) -> None:
    def feed(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, headers={"ETag": '"v1"'})
        return Reply(body=b"<rss/>", headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 May 2024"})

    server.route("/feed.xml", feed)
    first = fetch(server.url("/feed.xml"))
    second = fetch(server.url("/feed.xml"), validators=first.validators)
    assert second.not_modified and second.status == 304 and second.content == b""
    assert second.validators == first.validators
    assert server.requests[1].headers["if-none-match"] == '"v1"'
    assert server.requests[1].headers["if-modified-since"] == "Wed, 01 May 2024"


def test_retries_after_503(server: LocalServer) -> None:
    server.route("/flaky", [Reply(503), Reply(body=b"ok")])
    assert fetch(server.url("/flaky")).content == b"ok"
    assert server.hits("/flaky") == 2


def test_5xx_after_all_retries_raises_http_status(server: LocalServer) -> None:
    server.route("/down", Reply(500))
    with pytest.raises(HTTPStatus) as caught:
        fetch(server.url("/down"), settings(retries=2))
    assert caught.value.status == 500 and server.hits("/down") == 3


def test_retry_after_is_honoured_and_capped(server: LocalServer) -> None:
    server.route("/busy", [Reply(429, headers={"Retry-After": "1"}), Reply(body=b"ok")])
    started = time.monotonic()
    assert fetch(server.url("/busy"), settings(retry_after_max=0.2)).content == b"ok"
    elapsed = time.monotonic() - started
    # The back-off is 0.01 s, so a wait near 0.2 s is Retry-After capped, not the full 1 s.
    assert 0.15 < elapsed < 0.9


def test_429_after_retries_carries_retry_after(server: LocalServer) -> None:
    server.route("/busy", Reply(429, headers={"Retry-After": "0"}))
    with pytest.raises(HTTPStatus) as caught:
        fetch(server.url("/busy"), settings(retries=1))
    assert (caught.value.status, caught.value.retry_after) == (429, 0.0)
    assert server.hits("/busy") == 2


def test_404_is_not_retried(server: LocalServer) -> None:
    with pytest.raises(HTTPStatus) as caught:
        fetch(server.url("/missing"))
    assert caught.value.status == 404 and server.hits("/missing") == 1
    assert str(caught.value) == f"{server.url('/missing')}: HTTP 404"


def test_slow_answer_times_out(server: LocalServer) -> None:
    server.route("/slow", Reply(body=b"late", delay=1.5))
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match=r"\[fetch\] timeout"):
        fetch(server.url("/slow"), settings(timeout=0.3, retries=0))
    assert time.monotonic() - started < 1.2


def test_slow_body_passes_total_deadline(server: LocalServer) -> None:
    # Each 1 KB chunk arrives well within the deadline; only the total passes it.
    server.route("/drip", Reply(body=b"x" * 20_000, drip=0.05))
    with pytest.raises(FetchTimeout):
        fetch(server.url("/drip"), settings(timeout=0.4, retries=0))


def test_plain_body_over_cap_is_rejected(server: LocalServer) -> None:
    server.route("/big", Reply(body=b"x" * 2_000))
    with pytest.raises(ResponseTooLarge, match="Content-Length 2000"):
        fetch(server.url("/big"), settings(max_bytes=1_000))


def test_gzip_bomb_is_stopped(server: LocalServer) -> None:
    # About 5 KB on the wire, 5 MB inflated: only the decompressed count can catch it.
    server.route("/bomb", Reply(body=bytes(5_000_000), gzip=True))
    with pytest.raises(ResponseTooLarge, match="after decompression"):
        fetch(server.url("/bomb"), settings(max_bytes=100_000))


def test_gzip_body_is_decompressed(server: LocalServer) -> None:
    server.route("/gz", Reply(body=b"hello " * 100, gzip=True))
    assert fetch(server.url("/gz")).content == b"hello " * 100


def test_redirects_are_followed(server: LocalServer) -> None:
    server.route("/a", Reply(302, headers={"Location": "/b"}))
    server.route("/b", Reply(301, headers={"Location": server.url("/c?x=1")}))
    server.route("/c?x=1", Reply(body=b"final"))
    response = fetch(server.url("/a"))
    assert (response.url, response.content) == (server.url("/c?x=1"), b"final")


def test_redirect_loop_raises(server: LocalServer) -> None:
    server.route("/loop", Reply(302, headers={"Location": "/loop"}))
    with pytest.raises(TooManyRedirects, match=r"more than 3 redirects"):
        fetch(server.url("/loop"), settings(max_redirects=3))
    assert server.hits("/loop") == 4


@pytest.mark.parametrize(
    ("location", "message"),
    [("ftp://example.com/feed", "only http and https"), ("http://[::1", "malformed redirect")],
)
def test_bad_redirect_fails_without_retry(server: LocalServer, location: str, message: str) -> None:
    server.route("/odd", Reply(302, headers={"Location": location}))
    with pytest.raises(ConnectFailed, match=message):
        fetch(server.url("/odd"))
    assert server.hits("/odd") == 1


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "http://", "not a url", "http://[::1"])
def test_bad_urls_raise_connect_failed(url: str) -> None:
    with pytest.raises(ConnectFailed) as caught:
        fetch(url)
    assert caught.value.url == url and "\n" not in str(caught.value)


def test_loopback_is_blocked(server: LocalServer) -> None:
    server.route("/x", Reply(body=b"secret"))
    with pytest.raises(BlockedAddress, match="allow_private_networks = true") as caught:
        fetch(server.url("/x"), settings(allow_private_networks=False))
    assert "127.0.0.1 is not a public address" in caught.value.reason
    with pytest.raises(BlockedAddress, match=r"localhost resolves to (127\.0\.0\.1|::1)"):
        fetch(f"http://localhost:{server.port}/x", settings(allow_private_networks=False))
    assert server.requests == []


@pytest.mark.parametrize("host", ["[::1]", "0.0.0.0", "[::ffff:127.0.0.1]", "127.1", "2130706433"])
def test_loopback_spellings_are_blocked(server: LocalServer, host: str) -> None:
    with pytest.raises(BlockedAddress, match="not a public address"):
        fetch(f"http://{host}:{server.port}/x", settings(allow_private_networks=False))
    assert server.requests == []


def test_allowed_networks_allow_loopback(server: LocalServer) -> None:
    server.route("/x", Reply(body=b"ok"))
    config = settings(allow_private_networks=False, allowed_networks=["127.0.0.0/8"])
    assert fetch(server.url("/x"), config).content == b"ok"


def test_every_redirect_hop_is_checked(server: LocalServer) -> None:
    # The first hop (127.0.0.1) is allowed; the redirect target 127.0.0.2 is not.
    with side_server("127.0.0.2", lambda h: answer(h, 200, b"inside")) as (port, seen):
        server.route("/hop", Reply(302, headers={"Location": f"http://127.0.0.2:{port}/in"}))
        narrow = settings(allow_private_networks=False, allowed_networks=["127.0.0.1/32"])
        expected = re.escape("after redirect to http://127.0.0.2")
        with pytest.raises(BlockedAddress, match=expected) as caught:
            fetch(server.url("/hop"), narrow)
        assert caught.value.url == server.url("/hop") and seen == []
        # Control: the same hop passes once its network is allowed, so the check was real.
        wide = settings(allow_private_networks=False, allowed_networks=["127.0.0.0/8"])
        assert fetch(server.url("/hop"), wide).content == b"inside"
        assert seen == ["/in"]


def test_guard_connects_to_the_vetted_address(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {"feed.test": ["127.0.0.1"], "mixed.test": ["93.184.215.14", "127.0.0.1"]}

    async def fake_resolve(host: str, port: int) -> list[guard.IPAddress]:
        return [ipaddress.ip_address(a) for a in answers[host]]

    monkeypatch.setattr(guard, "resolve", fake_resolve)
    server.route("/x", Reply(body=b"ok"))
    config = settings(allow_private_networks=False, allowed_networks=["127.0.0.0/8"])
    # feed.test exists only in the fake resolver: success means the vetted IP was dialled.
    assert fetch(f"http://feed.test:{server.port}/x", config).content == b"ok"
    assert server.requests[0].headers["host"] == f"feed.test:{server.port}"
    # One private answer among public ones taints the name.
    with pytest.raises(BlockedAddress, match=re.escape("mixed.test resolves to 127.0.0.1")):
        fetch(f"http://mixed.test:{server.port}/x", settings(allow_private_networks=False))


def test_refused_connection_raises_connect_failed() -> None:
    with pytest.raises(ConnectFailed, match="refused"):
        fetch(f"http://127.0.0.1:{closed_port()}/", settings(retries=1))


@pytest.mark.parametrize(("total", "per_host", "expected"), [(16, 2, 2), (1, 4, 1)])
def test_concurrency_limits(server: LocalServer, total: int, per_host: int, expected: int) -> None:
    lock = threading.Lock()
    in_flight = [0, 0]  # now, most seen

    def slow(request: Request) -> Reply:
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight)
        time.sleep(0.1)
        with lock:
            in_flight[0] -= 1
        return Reply(body=b"ok")

    server.route("/slow", slow)

    async def run() -> None:
        config = settings(concurrency=total, per_host_concurrency=per_host)
        async with Fetcher(config) as fetcher:
            await asyncio.gather(*(fetcher.get(server.url("/slow")) for _ in range(6)))

    asyncio.run(run())
    assert in_flight[1] == expected


def test_http_proxy_carries_the_request(server: LocalServer) -> None:
    server.route("/via", Reply(body=b"proxied"))
    with side_server("127.0.0.1", forward) as (port, seen):
        config = settings(proxy=f"http://127.0.0.1:{port}")
        assert fetch(server.url("/via"), config).content == b"proxied"
    assert seen == [server.url("/via")]
    assert server.requests[0].headers["x-via"] == "test-proxy"


def test_proxy_target_is_vetted_but_proxy_address_is_exempt() -> None:
    with (
        side_server("127.0.0.2", lambda h: answer(h, 200, b"inside")) as (target, _),
        side_server("127.0.0.1", forward) as (proxy, seen),
    ):
        url = f"http://127.0.0.2:{target}/in"
        base = {"allow_private_networks": False, "proxy": f"http://127.0.0.1:{proxy}"}
        # The proxy at 127.0.0.1 is not in allowed_networks, yet it is used.
        assert fetch(url, settings(**base, allowed_networks=["127.0.0.2/32"])).content == b"inside"
        with pytest.raises(BlockedAddress):
            fetch(url, settings(**base))
        assert seen == [url]


@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
def test_socks_proxy_is_accepted(server: LocalServer, scheme: str) -> None:
    config = settings(proxy=f"{scheme}://127.0.0.1:{closed_port()}", retries=0)
    with pytest.raises(ConnectFailed, match=f"cannot connect to proxy {scheme}://127.0.0.1:"):
        fetch(server.url("/"), config)


@pytest.mark.parametrize(
    "overrides",
    [{"allowed_networks": ["not-a-network"]}, {"proxy": "ftp://proxy:21"}, {"proxy": "http://"}],
)
def test_bad_settings_raise_config_error(overrides: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        Fetcher(settings(**overrides))


def test_every_failure_is_a_fetch_error() -> None:
    # A header value httpx cannot encode still comes back as a FetchError, not a raw exception.
    with pytest.raises(FetchError):
        fetch(f"http://127.0.0.1:{closed_port()}/", validators=Validators(etag="\u2603\n"))


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1", True),
        ("::ffff:93.184.215.14", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("fec0::1", False),
        ("ff0e::1", False),
        ("::ffff:127.0.0.1", False),
        ("2002:7f00:1::", False),
    ],
)
def test_is_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    now = 1_714_557_600.0  # Wed, 01 May 2024 10:00:00 GMT
    assert parse_retry_after("Wed, 01 May 2024 10:01:00 GMT", now=now) == 60.0
    assert parse_retry_after("Wed, 01 May 2024 09:00:00 GMT", now=now) == 0.0


def test_response_charset() -> None:
    def response(content_type: str | None) -> Response:
        headers = {} if content_type is None else {"content-type": content_type}
        return Response("http://x/", 200, headers, b"", Validators())

    assert response('text/html; Charset="ISO-8859-1"').charset == "ISO-8859-1"
    assert response("text/html").charset is None
    assert response(None).charset is None and response(None).content_type is None
