"""Adopting an archive of the old mirror scripts: nothing lost, nothing duplicated, links kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive_helpers import articles, git_log, make_archive, nm, rss
from newsmirror.archive import Archive
from newsmirror.config import Source
from server import LocalServer, Reply

OLD = {
    "articles/voa/1008880.md": (
        "<!--1638585543000-->\n[中俄 \\[分析\\] 关系](https://www.voachinese.com/a/6339221.html)\n"
        "------\n\n<div><i>Sat, 04 Dec 2021 02:32:08 GMT</i></div><p>旧的正文。</p>\n"
    ),
    "articles/voa/1008881.md": (
        "<!--1638499143000-->\n[较早的文章](https://www.voachinese.com/a/6338000.html)\n"
        "------\n\n<p>更早。</p>\n"
    ),
}


def old_mirror(root: Path) -> Path:
    for path, text in OLD.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    (root / "articles/voa/broken.md").write_text("not a mirror file", encoding="utf-8")
    (root / "lists").mkdir()
    (root / "lists/美国之音.md").write_text(
        "美国之音\n------\n\n12-4 [中俄](/articles/voa/1008880.md)\n", encoding="utf-8"
    )
    return root


def test_adopt_in_place_keeps_files_and_continues(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = old_mirror(tmp_path / "mirror")
    make_archive(root, [Source("美国之音", "voa", server.url("/voa.xml"))], monkeypatch)
    assert nm(root, "adopt", str(root)) == 0
    assert "adopted 2 articles" in capsys.readouterr().out
    files = articles(root)
    for path, text in OLD.items():
        assert files[path] == text  # re-rendered from the record, byte for byte
    assert git_log(root) == ["newsmirror: adopted 2 articles"]
    assert nm(root, "adopt", str(root)) == 0  # twice: nothing more
    assert "adopted 0 articles (2 already" in capsys.readouterr().out

    same = {
        "title": "中俄 [分析] 关系",
        "link": "https://www.voachinese.com/a/6339221.html",
        "pubDate": "Sat, 04 Dec 2021 02:39:03 GMT",
        "description": "<![CDATA[<div><i>Sat, 04 Dec 2021 02:32:08 GMT</i></div>"
        "<p>旧的正文。</p>]]>",
    }
    new = {
        "title": "新文章",
        "link": "https://www.voachinese.com/a/6340000.html",
        "pubDate": "Sun, 05 Dec 2021 02:00:00 GMT",
        "description": "<p>新。</p>",
    }
    server.route("/voa.xml", Reply(body=rss([new, same])))
    assert nm(root, "run") == 0
    files = articles(root)
    assert set(files) == {*OLD, "articles/voa/broken.md", "articles/voa/2021/12/05-6340000.md"}
    with Archive(root, write=False) as archive:
        assert [e.revision.rev for e in archive.log.read_all()] == [1, 1, 1]
    listing = (root / "lists/美国之音.md").read_text(encoding="utf-8")
    assert listing.index("6340000") < listing.index("1008880") < listing.index("1008881")


def test_adopt_from_another_folder_copies_to_the_same_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = old_mirror(tmp_path / "old")
    root = make_archive(tmp_path / "new", [], monkeypatch)
    assert nm(root, "adopt", str(old)) == 0
    assert {p: t for p, t in articles(root).items()} == OLD
    config = (root / "newsmirror.toml").read_text(encoding="utf-8")
    assert 'name = "美国之音"' in config and "enabled = false" in config
