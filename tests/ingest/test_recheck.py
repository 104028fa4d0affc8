"""Re-checks: an article served, then edited, then gone, then back, as the record tells it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from archive_helpers import articles, make_archive, nm, rss
from article_pages import PARAGRAPHS, page, summary_item
from newsmirror.archive.archive import Archive
from newsmirror.record.model import Revision
from newsmirror.settings.sources import Source
from server import LocalServer, Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}
EDITED = page("文章 1").replace(
    PARAGRAPHS[1].encode(), "俄罗斯官员否认了这一说法，并称报道失实。".encode() * 3
)


def history(root: Path) -> list[Revision]:
    with Archive(root, write=False) as archive:
        return [entry.revision for entry in archive.log.read_all()]


@pytest.fixture
def root(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSMIRROR_RECORD_RECHECK", "1s,1s,1s,1s,1s,1s")
    server.route("/feed.xml", Reply(body=rss([summary_item(server, 1)])))
    server.route("/a/1.html", Reply(body=page("文章 1"), headers=HTML))
    root = make_archive(
        tmp_path / "a",
        [Source("Site", "site", server.url("/feed.xml"))],
        monkeypatch,
        full_text="auto",
    )
    assert nm(root, "run") == 0
    return root


def again(root: Path) -> None:
    time.sleep(1.1)
    assert nm(root, "run", "--all") == 0


def test_edit_removal_and_return_are_recorded(
    server: LocalServer, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/a/1.html", Reply(body=EDITED, headers=HTML))
    again(root)
    server.route("/a/1.html", Reply(404, b"gone"))
    again(root)
    listing = (root / "lists" / "Site.md").read_text(encoding="utf-8")
    assert listing.rstrip().endswith("(已删除)")
    (current,) = [t for p, t in articles(root).items() if ".v" not in p]
    assert "原文已于" in current and "HTTP 404" in current and "否认了这一说法" in current
    server.route("/a/1.html", Reply(503))  # transient: no change
    again(root)
    server.route("/a/1.html", Reply(body=EDITED, headers=HTML))
    again(root)
    revisions = history(root)
    assert [(r.rev, r.change) for r in revisions] == [
        (1, ""),
        (2, "edited"),
        (3, "removed"),
        (4, "restored"),
    ]
    assert revisions[1].text != revisions[0].text and "否认了这一说法" in revisions[1].text
    assert revisions[2].evidence["status"] == "404"
    assert "(已删除)" not in (root / "lists" / "Site.md").read_text(encoding="utf-8")
    assert len([p for p in articles(root) if ".v" in p]) == 3
    capsys.readouterr()
    assert nm(root, "changes", "--since", "1h") == 0
    kinds = [line.split("\t")[2] for line in capsys.readouterr().out.splitlines()]
    assert kinds == ["edited (revision 2)", "removed (revision 3)", "restored (revision 4)"]
    path = revisions[0].path
    assert nm(root, "show", path) == 0
    shown = capsys.readouterr().out
    assert "4 revisions" in shown and "否认了这一说法" in shown
    assert nm(root, "diff", path, "1", "2") == 0
    diff = capsys.readouterr().out
    assert "--- revision 1" in diff and "+++ revision 2" in diff
    added = "".join(part.split("+}")[0] for part in diff.split("{+")[1:])
    removed = "".join(part.split("-]")[0] for part in diff.split("[-")[1:])
    assert "否认" in added and "远东研究所" in removed


def test_a_changed_related_box_is_no_edit(server: LocalServer, root: Path) -> None:
    other_box = page("文章 1").replace("别的文章".encode(), "另一篇完全不同的推荐文章".encode())
    server.route("/a/1.html", Reply(body=other_box, headers=HTML))
    again(root)
    again(root)
    assert len(history(root)) == 1


def test_a_redirect_to_the_home_page_is_a_removal(server: LocalServer, root: Path) -> None:
    server.route("/a/1.html", Reply(301, headers={"Location": "/"}))
    server.route("/", Reply(body=b"<html><body><h1>Home</h1></body></html>", headers=HTML))
    again(root)
    (_, second) = history(root)
    assert second.change == "removed" and second.evidence["reason"] == "redirected to the home page"


def test_a_page_that_flips_is_marked_volatile_once(server: LocalServer, root: Path) -> None:
    original = page("文章 1")
    for body in (EDITED, original, EDITED, original):
        server.route("/a/1.html", Reply(body=body, headers=HTML))
        again(root)
    assert [r.change for r in history(root)] == ["", "edited", "volatile"]
    assert history(root)[-1].evidence["reason"].startswith("the page switches")


def test_a_new_extractor_is_not_an_edit(
    server: LocalServer, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import newsmirror.prepare.candidates

    monkeypatch.setattr(newsmirror.prepare.candidates, "EXTRACTOR", "newsmirror-extract/next")
    server.route("/a/1.html", Reply(body=EDITED, headers=HTML))
    again(root)
    last = history(root)[-1]
    assert (last.change, last.extractor) == ("re-extracted", "newsmirror-extract/next")
    assert last.evidence["from"].startswith("newsmirror-extract/")


def test_rechecks_use_conditional_get(server: LocalServer, root: Path) -> None:
    body = page("文章 1")
    server.route(
        "/a/1.html",
        lambda r: (
            Reply(304)
            if r.headers.get("if-none-match") == '"p1"'
            else Reply(body=body, headers={**HTML, "ETag": '"p1"'})
        ),
    )
    again(root)
    again(root)
    looks = [r for r in server.requests if r.path == "/a/1.html"]
    assert looks[-1].headers.get("if-none-match") == '"p1"'
    assert len(history(root)) == 1
