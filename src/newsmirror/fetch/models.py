"""What a fetch returns: the response and the conditional-GET validators stored per URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Validators:
    """Conditional-GET state for one URL; the caller stores it and passes it to the next GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Response:
    """A successful (2xx) or not-modified (304) answer, body decompressed and size-checked."""

    url: str  # final URL, after redirects
    status: int
    headers: Mapping[str, str]  # lower-case names; repeated headers joined with ", "
    content: bytes  # b"" for 304
    validators: Validators

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, unquoted, or None when absent."""
        if self.content_type is None:
            return None
        for parameter in self.content_type.split(";")[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset":
                return value.strip().strip("\"'") or None
        return None


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as a capture (WARC) keeps it."""

    url: str
    request_headers: tuple[tuple[str, str], ...]
    status: int
    reason: str
    response_headers: tuple[tuple[str, str], ...]
    body: bytes  # decompressed; empty when the body was not read (redirects, errors, 304)


class Getter(Protocol):
    """What the pipeline fetches through: the network (Fetcher) or a WARC file (WarcReplay)."""

    async def get(
        self, url: str, validators: Validators | None = None, accept: str | None = None
    ) -> Response: ...
