"""WARC captures: every response fetched (feeds, pages, images) kept as evidence (warcio).

One gzip-compressed WARC file per run, ``record/warc/{YYYYMMDDTHHMMSSZ}-{pid}.warc.gz``, holding a
request and a response record per exchange, so web-archive replay tools can open the archive.
Bodies are stored as newsmirror received them after decompression, so the response headers
lose their Content-Encoding and get the Content-Length of what is stored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from types import TracebackType
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsmirror.errors import HTTPStatus, RecordError, ResponseTooLarge
from newsmirror.fetch import Exchange, Response, Validators

WARC_DIR = "record/warc"
# Headers that describe the transfer rather than the content newsmirror stores.
TRANSFER_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


class WarcRecorder:
    """``with WarcRecorder(root) as recorder: Fetcher(settings, capture=recorder)``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._file: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self.path: Path | None = None

    def __enter__(self) -> WarcRecorder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()

    def _open(self) -> WARCWriter:
        if self._writer is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            self.path = self.root / WARC_DIR / f"{stamp}-{os.getpid()}.warc.gz"
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "ab")  # noqa: SIM115 - closed in __exit__
            self._writer = WARCWriter(self._file, gzip=True)
        return self._writer

    def __call__(self, exchange: Exchange) -> None:
        writer = self._open()
        target = urlsplit(exchange.url)
        path = (target.path or "/") + (f"?{target.query}" if target.query else "")
        request = writer.create_warc_record(
            exchange.url,
            "request",
            http_headers=StatusAndHeaders(
                f"GET {path} HTTP/1.1", list(exchange.request_headers), is_http_request=True
            ),
        )
        headers = [
            (k, v) for k, v in exchange.response_headers if k.lower() not in TRANSFER_HEADERS
        ]
        headers.append(("Content-Length", str(len(exchange.body))))
        response = writer.create_warc_record(
            exchange.url,
            "response",
            payload=BytesIO(exchange.body),
            http_headers=StatusAndHeaders(
                f"{exchange.status} {exchange.reason}", headers, protocol="HTTP/1.1"
            ),
        )
        writer.write_request_response_pair(request, response)


@dataclass(frozen=True)
class Captured:
    status: int
    headers: dict[str, str]
    body: bytes | None  # None: past [fetch] max_bytes once decompressed, so not kept


def read_captures(path: Path, max_bytes: int) -> tuple[dict[str, Captured], str | None]:
    """The responses a WARC file holds, by URL (the last capture of a URL wins), and a note when
    the file ended early. Raises RecordError when the file is not a WARC at all. A body is read
    up to ``max_bytes`` after its Content-Encoding is undone, as the fetcher reads one: a
    gzip bomb in a crawler's file costs no more than the cap."""
    captures: dict[str, Captured] = {}
    problem = None
    try:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                status = int(record.http_headers.get_statuscode() or 0)
                headers = {k.lower(): v for k, v in record.http_headers.headers}
                body: bytes | None = record.content_stream().read(max_bytes + 1)
                captures[url] = Captured(
                    status, headers, body if body is not None and len(body) <= max_bytes else None
                )
    except OSError as error:
        raise RecordError(f"{path}: cannot read: {error.strerror}") from None
    except Exception as error:  # warcio raises assorted errors on damaged or foreign files
        if not captures:
            message = f"{path}: not a WARC file ({error}); give WARC or WARC.gz files"
            raise RecordError(message) from None
        problem = f"{path}: ends early after {len(captures)} responses ({error}); kept those"
    return captures, problem


class WarcReplay:
    """Answers ``get`` from captured responses, as if the pages had just been fetched."""

    def __init__(self, captures: dict[str, Captured]) -> None:
        self.captures = captures

    async def get(
        self, url: str, validators: Validators | None = None, accept: str | None = None
    ) -> Response:
        found = self.captures.get(url)
        if found is None:
            raise HTTPStatus(url, 404)  # not in the capture: as good as gone from here
        if not 200 <= found.status <= 299:
            raise HTTPStatus(url, found.status)
        if found.body is None:
            raise ResponseTooLarge(
                url, "body passes the size cap after decompression ([fetch] max_bytes)"
            )
        return Response(url, found.status, found.headers, found.body, Validators())
