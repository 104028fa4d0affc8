"""Image policy local: copies by content hash, raster only, size-capped, relative links."""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import pytest

from archive_helpers import articles, make_archive, nm, rss
from newsmirror.ingest.images import sniff_raster
from newsmirror.settings.sources import Source
from server import LocalServer, Reply


def png(width: int = 1) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x80" * width)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def test_sniffing_accepts_raster_only() -> None:
    assert sniff_raster(png()) == "png"
    assert sniff_raster(b"\xff\xd8\xff\xe0rest") == "jpg"
    assert sniff_raster(b"GIF89a...") == "gif"
    assert sniff_raster(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert sniff_raster(SVG) is None
    assert sniff_raster(b"<html>not an image</html>") is None


@pytest.fixture
def root(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSMIRROR_MIRROR_IMAGE_POLICY", "local")
    monkeypatch.setenv("NEWSMIRROR_MIRROR_IMAGE_MAX_BYTES", "5000")
    return make_archive(
        tmp_path / "a", [Source("Site", "site", server.url("/feed.xml"))], monkeypatch
    )


def body(server: LocalServer, *images: str) -> str:
    tags = "".join(f'<img src="{server.url(path)}" width="100%">' for path in images)
    return f"<![CDATA[<p>正文第一段。</p>{tags}<p>正文第二段。</p>]]>"


def test_local_copies_replace_image_urls(server: LocalServer, root: Path) -> None:
    server.route("/ok.png", Reply(body=png(), headers={"Content-Type": "image/png"}))
    server.route("/lying.jpg", Reply(body=SVG, headers={"Content-Type": "image/jpeg"}))
    server.route("/huge.png", Reply(body=png(20000)[:8] + b"\x00" * 20000))
    items = [
        {
            "title": "一",
            "link": "https://e.com/story-1.html",
            "pubDate": "Sat, 04 Dec 2021 02:00:00 GMT",
            "description": body(server, "/ok.png", "/lying.jpg", "/huge.png", "/gone.png"),
        },
        {
            "title": "二",
            "link": "https://e.com/story-2.html",
            "pubDate": "Sat, 04 Dec 2021 03:00:00 GMT",
            "description": body(server, "/ok.png"),
        },
    ]
    server.route("/feed.xml", Reply(body=rss(items)))
    assert nm(root, "run") == 0
    stored = sorted(p.relative_to(root).as_posix() for p in (root / "images").rglob("*.*"))
    assert len(stored) == 1 and stored[0].endswith(".png")
    assert (root / stored[0]).read_bytes() == png()
    assert server.hits("/ok.png") == 1  # shared by both articles, fetched once
    first = articles(root)["articles/site/2021/12/04-story-1.md"]
    assert f'<img src="../../../../{stored[0]}" width="100%">' in first
    for refused in ("/lying.jpg", "/huge.png", "/gone.png"):
        assert f'<img src="{server.url(refused)}" width="100%">' in first

    before = articles(root)
    for name in ("articles", "lists", ".newsmirror"):
        shutil.rmtree(root / name)
    assert nm(root, "rebuild") == 0
    assert articles(root) == before


def test_other_policies_ignore_local_copies(
    server: LocalServer, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route("/ok.png", Reply(body=png()))
    server.route(
        "/feed.xml",
        Reply(
            body=rss(
                [
                    {
                        "title": "一",
                        "link": "https://e.com/story-1.html",
                        "description": body(server, "/ok.png"),
                    }
                ]
            )
        ),
    )
    assert nm(root, "run") == 0
    monkeypatch.setenv("NEWSMIRROR_MIRROR_IMAGE_POLICY", "original")
    assert nm(root, "rebuild") == 0
    (text,) = articles(root).values()
    assert f'<img src="{server.url("/ok.png")}" width="100%">' in text


def test_images_are_capped_per_article_and_per_run(
    server: LocalServer,
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A body of 100,000 <img> once made 10,209 requests in 20 s (issue 18). Now at most
    ``images_per_article`` of an article and ``images_per_run`` in a run are fetched; the
    others keep their URL and are reported as skipped."""
    monkeypatch.setenv("NEWSMIRROR_MIRROR_IMAGES_PER_ARTICLE", "30")
    monkeypatch.setenv("NEWSMIRROR_MIRROR_IMAGES_PER_RUN", "40")
    many = "".join(f'<img src="{server.url(f"/i/{n}.png")}">' for n in range(100_000))
    few = body(server, *(f"/j/{n}.png" for n in range(20)))
    items = [
        {"title": "图多", "link": "https://e.com/many.html", "description": f"<![CDATA[{many}]]>"},
        {"title": "图少", "link": "https://e.com/few.html", "description": few},
    ]
    server.route("/feed.xml", Reply(body=rss(items)))
    assert nm(root, "run") == 0
    fetched = [r.path for r in server.requests if r.path.startswith(("/i/", "/j/"))]
    assert len(fetched) == 40  # the run's cap, of the 30 + 20 wanted
    assert len([p for p in fetched if p.startswith("/i/")]) <= 30  # the article's cap
    # 99,970 over the article's cap, 10 over the run's
    assert "site: 2 new, 0 revised (2 items); 99980 images skipped" in capsys.readouterr().out
    text = next(text for path, text in articles(root).items() if path.endswith("many.md"))
    assert f'<img src="{server.url("/i/99999.png")}">' in text  # skipped: the URL as it was
