"""WARC captures, read back with warcio."""

from __future__ import annotations

from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive_helpers import make_archive, nm, rss
from newsmirror.config import Source
from server import LocalServer, Reply
from test_full_text import page, summary_item


def test_every_response_is_captured(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSMIRROR_RECORD_WARC", "1")
    feed = rss([summary_item(server, 1)])
    server.route("/feed.xml", Reply(body=feed, gzip=True))
    server.route("/a/1.html", Reply(body=page("文章 1"), headers={"Content-Type": "text/html"}))
    root = make_archive(
        tmp_path / "a",
        [Source("Site", "site", server.url("/feed.xml"))],
        monkeypatch,
        full_text="auto",
    )
    assert nm(root, "run") == 0
    (warc,) = (root / "record" / "warc").glob("*.warc.gz")
    responses, requests = {}, []
    with open(warc, "rb") as stream:
        for record in ArchiveIterator(stream):
            uri = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type == "response":
                responses[uri] = (
                    record.http_headers.get_statuscode(),
                    record.content_stream().read(),
                )
            elif record.rec_type == "request":
                requests.append(uri)
    assert responses[server.url("/feed.xml")] == ("200", feed)  # stored decompressed
    assert responses[server.url("/a/1.html")] == ("200", page("文章 1"))
    assert sorted(requests) == sorted(responses)
    log = (root / "record").glob("*/*.jsonl")
    assert all("warc" not in path.parts for path in log)
