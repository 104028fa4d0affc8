"""The mirror format, byte for byte: the golden VOA file from its full-content feed item."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive_helpers import articles, make_archive, nm
from conftest import DATA
from newsmirror.settings.sources import Source
from server import LocalServer, Reply

GOLDEN = DATA / "golden"


def test_full_content_item_gives_the_golden_file(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = (GOLDEN / "voa-fulltext-feed.xml").read_bytes()
    server.route("/voa.xml", Reply(body=feed, headers={"Content-Type": "application/rss+xml"}))
    root = make_archive(
        tmp_path / "a", [Source("美国之音", "voa", server.url("/voa.xml"))], monkeypatch
    )
    assert nm(root, "run") == 0
    files = articles(root)
    assert list(files.values()) == [(GOLDEN / "voa-6339221.md").read_text(encoding="utf-8")]
    (path,) = files
    listing = (root / "lists" / "美国之音.md").read_text(encoding="utf-8")
    assert (
        listing == f"美国之音\n------\n\n12-4 [中俄加深非正式同盟关系 双方还能走多近？](/{path})\n"
    )
    assert "lists/%E7%BE%8E%E5%9B%BD%E4%B9%8B%E9%9F%B3.md" in (root / "README.md").read_text()


def test_rebuild_gives_back_identical_files(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = (GOLDEN / "voa-fulltext-feed.xml").read_bytes()
    server.route("/voa.xml", Reply(body=feed))
    root = make_archive(
        tmp_path / "a", [Source("美国之音", "voa", server.url("/voa.xml"))], monkeypatch
    )
    assert nm(root, "run") == 0
    before = {
        p: p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.parts and ".newsmirror" not in p.parts
    }
    for name in ("articles", "lists", ".newsmirror"):
        shutil.rmtree(root / name)
    (root / "README.md").unlink()
    assert nm(root, "rebuild") == 0
    after = {
        p: p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.parts and ".newsmirror" not in p.parts
    }
    assert after == before
