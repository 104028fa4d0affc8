"""`show`, `diff` and `changes` over a real history of edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive_helpers import make_archive, nm, rss
from newsmirror.archive.history import render_diff, word_diff
from newsmirror.settings.sources import Source
from server import LocalServer, Reply


def test_word_diff_is_per_word_and_per_chinese_character() -> None:
    assert render_diff(word_diff("The cat sat.", "The dog sat.")) == "The [-cat-]{+dog+} sat."
    assert render_diff(word_diff("中俄关系紧张", "中美关系紧张")) == "中[-俄-]{+美+}关系紧张"
    assert render_diff(word_diff("same", "same")) == "same"


def story(body: str, title: str = "中俄关系") -> bytes:
    return rss(
        [
            {
                "title": title,
                "link": "https://e.com/a/story-1.html",
                "guid": "g1",
                "pubDate": "Sat, 04 Dec 2021 02:39:03 GMT",
                "description": f"<![CDATA[<p>{body}</p>]]>",
            }
        ]
    )


@pytest.fixture
def root(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_archive(
        tmp_path / "a", [Source("Site", "site", server.url("/feed.xml"))], monkeypatch
    )
    for body, title in (
        ("两国加强了合作。", "中俄关系"),
        ("两国加强了军事合作。", "中俄关系"),
        ("两国加强了军事合作。", "中俄关系升温"),
    ):
        server.route("/feed.xml", Reply(body=story(body, title)))
        assert nm(root, "run", "--all") == 0
    return root


def test_show_lists_every_revision(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert nm(root, "show", "https://e.com/a/story-1.html?utm_source=x") == 0
    out = capsys.readouterr().out
    assert "中俄关系升温" in out and "3 revisions" in out and "两国加强了军事合作。" in out
    assert nm(root, "show", "articles/site/2021/12/04-story-1.md") == 0
    assert nm(root, "show", "nothing-like-this") == 1
    assert "no article 'nothing-like-this'" in capsys.readouterr().err


def test_diff_between_revisions(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert nm(root, "diff", "articles/site/2021/12/04-story-1.md", "1", "2") == 0
    out = capsys.readouterr().out
    assert "两国加强了{+军事+}合作。" in out
    assert nm(root, "diff", "articles/site/2021/12/04-story-1.md") == 0  # the last two
    assert "中俄关系{+升温+}" in capsys.readouterr().out
    assert nm(root, "diff", "articles/site/2021/12/04-story-1.md", "1", "9") == 1
    assert "no revision 9" in capsys.readouterr().err
    assert nm(root, "diff", "articles/site/2021/12/04-story-1.md", "2", "2") == 0
    assert capsys.readouterr().out.strip() == "revision 2 against itself: nothing to compare"


def test_diff_of_an_article_with_one_revision_says_so(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = make_archive(
        tmp_path / "one", [Source("Site", "site", server.url("/feed.xml"))], monkeypatch
    )
    server.route("/feed.xml", Reply(body=story("两国加强了合作。")))
    assert nm(root, "run") == 0
    capsys.readouterr()
    assert nm(root, "diff", "articles/site/2021/12/04-story-1.md") == 0
    out = capsys.readouterr().out
    assert out.strip() == (
        "articles/site/2021/12/04-story-1.md: only one revision, nothing to compare (see `show`)"
    )


def test_changes_lists_recent_edits(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert nm(root, "changes", "--since", "1h") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[2] for line in lines] == ["edited (revision 2)", "edited (revision 3)"]
    assert nm(root, "changes", "--since", "2099-01-01") == 0
    assert "no edits, removals or restorations recorded" in capsys.readouterr().out
