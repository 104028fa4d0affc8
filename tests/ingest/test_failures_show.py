"""Every failure shows: pages that could not be fetched, in `run`, `status`, the mirror's lists,
the reader and the site; a run where every source failed says so, on standard error."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from archive_helpers import make_archive, nm, rss
from article_pages import page, summary_item
from newsmirror.settings.sources import Source
from newsmirror.web.app import create_app
from server import LocalServer, Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def root(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    server.route("/feed.xml", Reply(body=rss([summary_item(server, n) for n in (1, 2, 3)])))
    server.route("/a/1.html", Reply(body=page("文章 1"), headers=HTML))
    server.route("/a/2.html", Reply(403))
    server.route("/a/3.html", Reply(403))
    return make_archive(
        tmp_path / "a",
        [Source("Site", "site", server.url("/feed.xml"))],
        monkeypatch,
        full_text="auto",
    )


def test_failed_pages_are_counted_and_marked_everywhere(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert nm(root, "run") == 0
    out, err = capsys.readouterr()
    assert "site: 3 new, 0 revised (3 items)" in out
    assert (
        "site: 2 of 3 pages failed, most often page not fetched: HTTP 403 (2); their feed "
        "summaries are kept and each page is tried again at the next runs whose feed still "
        "lists it (up to 5 tries)"
    ) in err
    assert "pages failed" not in out

    assert nm(root, "status") == 0
    status = capsys.readouterr().out
    assert "2 (2 to retry while the feed lists them)" in status
    assert "2 of 3 pages failed, most often page not fetched: HTTP 403 (2)" in status

    listing = (root / "lists" / "Site.md").read_text(encoding="utf-8")
    assert listing.count("(仅摘要 summary only)") == 2
    assert "文章 1](" in listing and "文章 1](/articles" in listing
    line_1 = next(line for line in listing.splitlines() if "[文章 1]" in line)
    assert "summary only" not in line_1

    with TestClient(create_app(root)) as client:
        home = client.get("/").text
        assert home.count("仅摘要 Summary only") == 2
        (path_2,) = [p for p in (root / "articles").rglob("*.md") if "文章 2" in p.read_text()]
        stem = path_2.relative_to(root).as_posix().removesuffix(".md")
        article = client.get(f"/{stem}.html").text
        assert "Summary only: the article's page could not be fetched" in article
    assert nm(root, "build", "--out", str(tmp_path / "site")) == 0
    built = (tmp_path / "site" / f"{stem}.html").read_text(encoding="utf-8")
    assert "Summary only: the article's page could not be fetched" in built
    full = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert full.count("仅摘要 Summary only") == 2


def test_a_run_where_every_source_failed_says_so(
    server: LocalServer, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/feed.xml", Reply(500))
    for _ in range(2):  # the first run commits the new archive; the next has nothing to commit
        assert nm(root, "run", "--all") == 1
        out, err = capsys.readouterr()
        assert "nothing new" not in out and "site: failed" not in out
        assert "site: failed:" in err and "HTTP 500" in err
        assert "every source failed (1); nothing was recorded" in err
    assert out == ""
