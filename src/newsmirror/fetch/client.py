"""The Fetcher: newsmirror's one HTTP client for feeds, pages and images.

Redirects are followed here rather than by httpx so that every hop is requested the same way:
the hop's URL is checked, the hop's host gets its own concurrency slot, a proxied hop's target is
vetted, and failures can name the hop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from types import TracebackType

import httpx

from newsmirror.errors import ConnectFailed, HTTPStatus, ResponseTooLarge, TooManyRedirects
from newsmirror.fetch.failures import hop, retryable, to_fetch_error
from newsmirror.fetch.guard import AddressPolicy, vet_target
from newsmirror.fetch.limits import HostGate, Limiter
from newsmirror.fetch.models import Exchange, Response, Validators
from newsmirror.fetch.retry import parse_retry_after, retry_delay
from newsmirror.fetch.transport import build_transport, check_proxy
from newsmirror.settings.config import FetchSettings

DEFAULT_ACCEPT = "*/*"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def accept_encoding() -> str:
    """Only encodings httpx can decode here: br needs a brotli package, which we do not add."""
    if find_spec("brotli") or find_spec("brotlicffi"):
        return "gzip, deflate, br"
    return "gzip, deflate"


@dataclass(frozen=True)
class _Redirect:
    location: str


class _BadLocation(Exception):
    """A redirect whose Location does not parse, caught before httpx sees it.

    httpx parses Location even with follow_redirects=False (to offer ``next_request``) and
    reports a bad one as a RemoteProtocolError, which would look like a network failure and be
    retried. A response hook runs first and turns it into a redirect that ``get`` rejects.
    """

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


async def _check_location(response: httpx.Response) -> None:
    location = response.headers.get("location")
    if response.status_code in REDIRECT_STATUSES and location is not None:
        try:
            httpx.URL(location)
        except httpx.InvalidURL:
            raise _BadLocation(location) from None


def _parse(url: str, target: str, what: str = "URL", base: httpx.URL | None = None) -> httpx.URL:
    """``target`` (relative to ``base``) as an absolute http(s) URL, or ConnectFailed."""
    try:
        parsed = httpx.URL(target) if base is None else base.join(target)
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise ConnectFailed(url, f"malformed {what} {target!r}: {error}") from None
    if parsed.scheme not in ("http", "https"):
        scheme = f"scheme {parsed.scheme!r}" if parsed.scheme else "no scheme"
        raise ConnectFailed(url, f"{what} {target!r} has {scheme}; only http and https are fetched")
    if not parsed.host:
        raise ConnectFailed(url, f"malformed {what} {target!r}: no host")
    return parsed


class Fetcher:
    """Use as ``async with Fetcher(settings) as fetcher: await fetcher.get(url)``."""

    def __init__(
        self,
        settings: FetchSettings,
        capture: Callable[[Exchange], None] | None = None,
        gate: HostGate | None = None,
    ) -> None:
        self._settings = settings
        self._capture = capture  # told of every answer received (for WARC records)
        self._policy = AddressPolicy.from_settings(settings)  # ConfigError on a bad CIDR
        check_proxy(settings.proxy)  # ConfigError now rather than at the first fetch
        # gate: per-host slots shared with other processes (workers of one database)
        self._limiter = Limiter(settings.concurrency, settings.per_host_concurrency, gate)
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        settings = self._settings
        self._client = httpx.AsyncClient(
            transport=build_transport(settings, self._policy),
            follow_redirects=False,
            event_hooks={"response": [_check_location]},
            # No proxies or .netrc from the environment: [fetch] proxy is the one way to set one.
            trust_env=False,
            timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout),
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": accept_encoding()},
        )
        await self._client.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.__aexit__(exc_type, exc_value, traceback)

    async def get(
        self, url: str, validators: Validators | None = None, accept: str | None = None
    ) -> Response:
        """GET ``url``, following redirects and retrying; a 304 is returned, not raised.

        Raises only FetchError subclasses (and CancelledError, which must propagate).
        """
        if self._client is None:
            raise RuntimeError("Fetcher.get() needs `async with Fetcher(settings) as fetcher`")
        sent = validators or Validators()
        headers = {"Accept": accept or DEFAULT_ACCEPT}
        if sent.etag:
            headers["If-None-Match"] = sent.etag
        if sent.last_modified:
            headers["If-Modified-Since"] = sent.last_modified
        current = _parse(url, url)
        for _ in range(self._settings.max_redirects + 1):
            outcome = await self._retrying(self._client, url, current, headers, sent)
            if isinstance(outcome, Response):
                return outcome
            current = _parse(url, outcome.location, f"redirect from {current} to", current)
        raise TooManyRedirects(
            url,
            f"more than {self._settings.max_redirects} redirects, the last to {current} "
            "([fetch] max_redirects)",
        )

    async def _retrying(
        self,
        client: httpx.AsyncClient,
        url: str,
        current: httpx.URL,
        headers: dict[str, str],
        sent: Validators,
    ) -> Response | _Redirect:
        settings = self._settings
        attempt = 0
        while True:
            try:
                return await self._attempt(client, url, current, headers, sent)
            except Exception as raised:
                error = to_fetch_error(url, str(current), raised, settings)
                if attempt >= settings.retries or not retryable(error):
                    if error is raised:
                        raise
                    raise error from raised
            retry_after = error.retry_after if isinstance(error, HTTPStatus) else None
            # Sleep outside the concurrency slots, so waiting blocks no other request.
            await asyncio.sleep(
                retry_delay(settings.backoff, attempt, retry_after, settings.retry_after_max)
            )
            attempt += 1

    async def _attempt(
        self,
        client: httpx.AsyncClient,
        url: str,
        current: httpx.URL,
        headers: dict[str, str],
        sent: Validators,
    ) -> Response | _Redirect:
        """One request: a response, a redirect to follow, or an exception to classify."""
        settings = self._settings
        async with self._limiter.slot(current.host):
            if settings.proxy:
                port = current.port or (443 if current.scheme == "https" else 80)
                # raw_host is the IDNA form httpx sends, not the Unicode one.
                host = current.raw_host.decode("ascii")
                await vet_target(self._policy, host, port, settings.connect_timeout)
            # One deadline for the whole attempt: connect, headers and every byte of the body.
            # httpx's own timeouts only bound each read, which a slow drip never trips.
            async with asyncio.timeout(settings.timeout):
                request = client.build_request("GET", current, headers=headers)
                try:
                    response = await client.send(request, stream=True)
                except _BadLocation as bad:
                    return _Redirect(bad.location)
                try:
                    outcome = await self._read(url, current, response, sent)
                except HTTPStatus:
                    self._record(response, b"")
                    raise
                finally:
                    await response.aclose()
                self._record(response, outcome.content if isinstance(outcome, Response) else b"")
                return outcome

    def _record(self, response: httpx.Response, body: bytes) -> None:
        if self._capture is None:
            return
        self._capture(
            Exchange(
                url=str(response.request.url),
                request_headers=tuple(response.request.headers.items()),
                status=response.status_code,
                reason=response.reason_phrase,
                response_headers=tuple(response.headers.items()),
                body=body,
            )
        )

    async def _read(
        self, url: str, current: httpx.URL, response: httpx.Response, sent: Validators
    ) -> Response | _Redirect:
        status = response.status_code
        location = response.headers.get("location")
        if status in REDIRECT_STATUSES and location:
            return _Redirect(location)  # body unread: closing drops it with the connection
        headers = dict(response.headers.items())
        if status == 304:
            # A 304 may repeat or update the validators; whatever it omits stays as sent.
            validators = Validators(
                headers.get("etag") or sent.etag,
                headers.get("last-modified") or sent.last_modified,
            )
            return Response(str(current), status, headers, b"", validators)
        if not 200 <= status <= 299:
            raise HTTPStatus(url, status, parse_retry_after(headers.get("retry-after")))
        content = await self._body(url, str(current), response)
        validators = Validators(headers.get("etag"), headers.get("last-modified"))
        return Response(str(current), status, headers, content, validators)

    async def _body(self, url: str, current: str, response: httpx.Response) -> bytes:
        """The decompressed body, stopped as soon as it passes max_bytes.

        aiter_bytes() decompresses each network read as it arrives, so a gzip bomb is cut off
        after the read that passes the cap; one read (64 KiB on the wire) can inflate to about
        64 MiB before the check, which bounds the memory a bomb can take.
        """
        limit = self._settings.max_bytes
        where = hop(url, current)
        declared = response.headers.get("content-length", "")
        if declared.strip().isdigit() and int(declared) > limit:
            raise ResponseTooLarge(
                url,
                f"{where}Content-Length {declared.strip()} passes the {limit}-byte cap "
                "([fetch] max_bytes)",
            )
        chunks: list[bytes] = []
        total = 0
        async for chunk in response.aiter_bytes():
            total += len(chunk)
            if total > limit:
                raise ResponseTooLarge(
                    url,
                    f"{where}body passes the {limit}-byte cap after decompression "
                    "([fetch] max_bytes)",
                )
            chunks.append(chunk)
        return b"".join(chunks)
