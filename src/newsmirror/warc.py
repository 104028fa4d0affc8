"""WARC captures: every response fetched (feeds, pages, images) kept as evidence (warcio).

One gzip-compressed WARC file per run, ``record/warc/{YYYYMMDDTHHMMSSZ}-{pid}.warc.gz``, holding a
request and a response record per exchange, so web-archive replay tools can open the archive.
Bodies are stored as newsmirror received them after decompression, so the response headers
lose their Content-Encoding and get the Content-Length of what is stored.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from types import TracebackType
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .fetch import Exchange

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
