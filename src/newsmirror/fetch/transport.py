"""The httpx transport: a plain httpcore connection pool whose network backend is the guard.

httpx's own ``AsyncHTTPTransport`` builds its pool internally and offers no way to pass a
network backend; replacing its private ``_pool`` would tie us to httpx internals. Instead this
small transport uses only public API: ``httpx.AsyncBaseTransport`` on top of
``httpcore.AsyncConnectionPool(network_backend=...)``, the supported extension point.

It lets httpcore's exceptions through unchanged (httpx's own transport wraps them in httpx
classes); the fetcher maps both families, and ``Refused``, to newsmirror's error tree.

With a proxy, connections go to the proxy, so the guard cannot sit under them; httpx's own
transport is used and the fetcher vets each target before the request (see ``vet_target``).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from types import TracebackType

import httpcore
import httpx

from newsmirror.errors import ConfigError
from newsmirror.fetch.guard import AddressPolicy, GuardedBackend
from newsmirror.settings.config import FetchSettings

PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
KEEPALIVE_EXPIRY = 5.0  # seconds an idle connection is kept for the next request to its host


class _Body(httpx.AsyncByteStream):
    """Hands httpcore's body stream to httpx, closing the connection when httpx closes it."""

    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            await close()


class GuardedTransport(httpx.AsyncBaseTransport):
    def __init__(self, policy: AddressPolicy, keepalive: int) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),  # certifi, or SSL_CERT_FILE / SSL_CERT_DIR
            # The fetcher's semaphores bound the requests in flight; the pool need not.
            max_connections=None,
            max_keepalive_connections=keepalive,
            keepalive_expiry=KEEPALIVE_EXPIRY,
            network_backend=GuardedBackend(policy),
        )

    async def __aenter__(self) -> GuardedTransport:
        await self._pool.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self._pool.__aexit__(exc_type, exc_value, traceback)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        core_response = await self._pool.handle_async_request(core_request)
        assert isinstance(core_response.stream, AsyncIterable)
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_Body(core_response.stream),
            extensions=core_response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


def check_proxy(proxy: str) -> None:
    """Reject a proxy URL httpx cannot use, as a configuration error rather than at first fetch."""
    if not proxy:
        return
    try:
        url = httpx.URL(proxy)
    except httpx.InvalidURL as error:
        raise ConfigError(f"[fetch] proxy {proxy!r} is not a valid URL: {error}") from None
    if url.scheme not in PROXY_SCHEMES or not url.host:
        raise ConfigError(
            f"[fetch] proxy {proxy!r}: use http://HOST:PORT, https://, socks5:// or socks5h://"
        )


def build_transport(settings: FetchSettings, policy: AddressPolicy) -> httpx.AsyncBaseTransport:
    keepalive = max(1, settings.concurrency)
    if settings.proxy:
        check_proxy(settings.proxy)
        return httpx.AsyncHTTPTransport(
            proxy=settings.proxy,
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=keepalive),
        )
    return GuardedTransport(policy, keepalive)
