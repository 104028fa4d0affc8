"""WARC captures, read back with warcio."""

from __future__ import annotations

import gzip
import io
import resource
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive_helpers import make_archive, nm, rss
from article_pages import page, summary_item
from newsmirror.settings.sources import Source
from server import LocalServer, Reply


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


def test_a_warc_reimported_into_a_fresh_archive_gives_the_same_articles(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from archive_helpers import articles

    monkeypatch.setenv("NEWSMIRROR_RECORD_WARC", "1")
    items = [summary_item(server, 1), summary_item(server, 2)]
    server.route("/feed.xml", Reply(body=rss(items)))
    for n in (1, 2):
        server.route(
            f"/a/{n}.html", Reply(body=page(f"文章 {n}"), headers={"Content-Type": "text/html"})
        )
    sources = [Source("Site", "site", server.url("/feed.xml"))]
    first = make_archive(tmp_path / "first", sources, monkeypatch, full_text="auto")
    assert nm(first, "run") == 0
    (warc,) = (first / "record" / "warc").glob("*.warc.gz")
    monkeypatch.setenv("NEWSMIRROR_RECORD_WARC", "0")
    second = make_archive(tmp_path / "second", sources, monkeypatch, full_text="auto")
    hits = len(server.requests)
    assert nm(second, "import-warc", str(warc)) == 0
    assert len(server.requests) == hits  # nothing fetched: all from the capture
    assert articles(second) == articles(first)

    truncated = tmp_path / "cut.warc.gz"
    truncated.write_bytes(warc.read_bytes()[: warc.stat().st_size * 2 // 3])
    third = make_archive(tmp_path / "third", sources, monkeypatch, full_text="auto")
    capsys.readouterr()
    assert nm(third, "import-warc", str(truncated)) == 0
    assert "ends early" in capsys.readouterr().err
    not_warc = tmp_path / "notes.txt"
    not_warc.write_text("hello")
    assert nm(third, "import-warc", str(not_warc)) == 1
    assert "not a WARC file" in capsys.readouterr().err


def test_a_gzip_bomb_in_a_warc_costs_no_more_than_the_size_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A crawler's WARC holding a feed whose Content-Encoding is gzip: 1 MB that inflates to
    # 1 GB, read whole before (2 GB of memory and a MemoryError).
    inflated = 1 << 30
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode="wb", compresslevel=9) as bomb:
        for _ in range(inflated >> 20):
            bomb.write(bytes(1 << 20))
    warc = tmp_path / "bomb.warc.gz"
    feed_url = "https://feeds.example/rss.xml"
    with open(warc, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        headers = StatusAndHeaders(
            "200 OK",
            [("Content-Type", "application/rss+xml"), ("Content-Encoding", "gzip")],
            protocol="HTTP/1.1",
        )
        writer.write_record(
            writer.create_warc_record(
                feed_url, "response", payload=io.BytesIO(packed.getvalue()), http_headers=headers
            )
        )
    root = make_archive(tmp_path / "a", [Source("Feeds", "feeds", feed_url)], monkeypatch)
    monkeypatch.setenv("NEWSMIRROR_FETCH_MAX_BYTES", "1000000")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert nm(root, "import-warc", str(warc)) == 0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KB
    err = capsys.readouterr().err
    assert f"feeds: failed: {feed_url}: body passes the size cap" in err, err
