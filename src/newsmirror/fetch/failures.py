"""Turn whatever httpx, httpcore, anyio, asyncio or the OS raised into newsmirror's error tree.

Messages are one line, name the URL (FetchError does), and say which setting governs a limit.
When a redirect hop failed, the message names the hop; ``url`` stays the URL the caller asked
for, so callers can match errors to their sources.
"""

from __future__ import annotations

import os

import httpcore
import httpx

from newsmirror.errors import BlockedAddress, ConnectFailed, FetchError, FetchTimeout, HTTPStatus
from newsmirror.fetch.guard import Refused
from newsmirror.fetch.retry import retryable_status
from newsmirror.settings.config import FetchSettings

CONNECT_TIMEOUTS = (httpx.ConnectTimeout, httpcore.ConnectTimeout)
CONNECT_ERRORS = (httpx.ConnectError, httpcore.ConnectError)
TIMEOUTS = (TimeoutError, httpx.TimeoutException, httpcore.TimeoutException)
GENERIC_MESSAGES = {"All connection attempts failed"}
PROXY_ERRORS = (httpx.ProxyError, httpcore.ProxyError)
# Everything a request can raise for reasons outside our code: network, protocol, proxy, TLS.
NETWORK_ERRORS = (
    httpx.TransportError,
    httpx.InvalidURL,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.ProxyError,
    httpcore.UnsupportedProtocol,
    OSError,
)


def hop(url: str, current: str) -> str:
    """A prefix naming the redirect hop that failed, or nothing when it was the URL itself."""
    return "" if current == url else f"after redirect to {current}: "


def describe(error: BaseException) -> str:
    """The first informative one-line reason in an exception chain.

    anyio reports "All connection attempts failed" with the real OSError ("Connection
    refused") as its cause, and httpcore and httpx wrap that again; so generic messages are
    skipped in favour of their causes.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        text = str(current)
        if isinstance(current, OSError) and current.strerror:
            # asyncio puts "Connect call failed (addr)" in strerror; the errno says more.
            number = current.errno
            text = os.strerror(number) if number is not None and number > 0 else current.strerror
        text = " ".join(text.split())
        if text and text not in GENERIC_MESSAGES:
            return text
        current = current.__cause__ or current.__context__
    return type(error).__name__


def redact(proxy: str) -> str:
    """The proxy URL without its credentials, fit for an error message or a log."""
    try:
        parsed = httpx.URL(proxy)
    except httpx.InvalidURL:
        return "(invalid URL)"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{parsed.host}{port}"


def blocked(url: str, current: str, refused: Refused) -> BlockedAddress:
    host, address = refused.host, refused.address
    what = f"{address} is" if host == address else f"{host} resolves to {address}, which is"
    return BlockedAddress(
        url,
        f"{hop(url, current)}{what} not a public address; if this is intended, set "
        "`[fetch] allow_private_networks = true` (or NEWSMIRROR_FETCH_ALLOW_PRIVATE_NETWORKS=1)"
        " or add its network to `[fetch] allowed_networks`",
    )


def to_fetch_error(url: str, current: str, error: Exception, settings: FetchSettings) -> FetchError:
    """The FetchError for an exception raised while requesting ``current``."""
    where = hop(url, current)
    if isinstance(error, FetchError):
        return error
    if isinstance(error, Refused):
        return blocked(url, current, error)
    # With a proxy every connection goes to the proxy, so a connect failure is the proxy's.
    proxy = f"proxy {redact(settings.proxy)}" if settings.proxy else ""
    if isinstance(error, CONNECT_TIMEOUTS):
        return FetchTimeout(
            url,
            f"{where}could not connect{' to ' + proxy if proxy else ''} within "
            f"{settings.connect_timeout:g} s ([fetch] connect_timeout)",
        )
    if isinstance(error, TIMEOUTS):
        return FetchTimeout(
            url, f"{where}no complete response within {settings.timeout:g} s ([fetch] timeout)"
        )
    if isinstance(error, httpx.DecodingError):
        return FetchError(url, f"{where}the body could not be decompressed: {describe(error)}")
    if proxy and isinstance(error, CONNECT_ERRORS):
        return ConnectFailed(url, f"{where}cannot connect to {proxy}: {describe(error)}")
    if isinstance(error, PROXY_ERRORS):
        return ConnectFailed(url, f"{where}{proxy or 'proxy'} failed: {describe(error)}")
    if isinstance(error, NETWORK_ERRORS):
        return ConnectFailed(url, f"{where}{describe(error)}")
    # Not a known network failure, most likely a bad header value from the caller; still a
    # FetchError so that one odd URL cannot stop a run, with the cause chained for debugging.
    return FetchError(url, f"{where}request failed: {type(error).__name__}: {describe(error)}")


def retryable(error: FetchError) -> bool:
    """Timeouts, connection failures, 408, 429 and 5xx may pass; the rest will not."""
    if isinstance(error, HTTPStatus):
        return retryable_status(error.status)
    return type(error) in (FetchTimeout, ConnectFailed)
