"""Regressions found in review: implausible dates, repeated listings, teaser-only changes,
import edge cases, an impossible time zone."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive_helpers import articles, git_log, make_archive, nm, rss
from article_pages import page, summary_item
from newsmirror.archive.archive import Archive
from newsmirror.feeds import Outline, write_opml
from newsmirror.settings.sources import Source
from server import LocalServer, Reply


def revisions(root: Path) -> list[tuple[int, str]]:
    with Archive(root, write=False) as archive:
        return [(e.revision.rev, e.revision.title) for e in archive.log.read_all()]


@pytest.fixture
def root(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_archive(
        tmp_path / "a",
        [
            Source("Site", "site", server.url("/feed.xml")),
            Source("Other", "other", server.url("/other.xml")),
        ],
        monkeypatch,
    )


@pytest.mark.parametrize("date", ["Mon, 01 Jan 0001 00:30:00 GMT", "Fri, 31 Dec 9999 23:00:00 GMT"])
def test_implausible_dates_count_as_no_date(server: LocalServer, root: Path, date: str) -> None:
    items = [
        {
            "title": "Odd date",
            "link": "https://e.com/odd-date.html",
            "pubDate": date,
            "description": "<p>x</p>",
        }
    ]
    server.route("/feed.xml", Reply(body=rss(items)))
    server.route(
        "/other.xml",
        Reply(
            body=rss(
                [{"title": "Fine", "link": "https://e.com/fine.html", "description": "<p>y</p>"}]
            )
        ),
    )
    assert nm(root, "run") == 0
    with Archive(root, write=False) as archive:
        (odd,) = [e.revision for e in archive.log.read_all() if e.revision.source == "site"]
    assert odd.published is None  # the mirror's time is when it was first seen
    assert nm(root, "status") == 0 and nm(root, "run", "--all") == 0
    assert len(articles(root)) == 2


def test_one_article_listed_twice_does_not_flip_flop(server: LocalServer, root: Path) -> None:
    items = [
        {
            "title": "Original",
            "link": "https://e.com/story.html?utm_source=top",
            "description": "<p>first listing</p>",
        },
        {"title": "Updated", "link": "https://e.com/story.html", "description": "<p>second</p>"},
    ]
    server.route("/feed.xml", Reply(body=rss(items)))
    server.route("/other.xml", Reply(body=rss([])))
    for _ in range(3):
        assert nm(root, "run", "--all") == 0
    assert len(revisions(root)) == 1
    assert len(git_log(root)) == 1


def test_a_new_teaser_over_the_same_page_is_no_revision(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_archive(
        tmp_path / "f",
        [Source("Site", "site", server.url("/feed.xml"))],
        monkeypatch,
        full_text="auto",
    )
    server.route("/a/1.html", Reply(body=page("文章 1"), headers={"Content-Type": "text/html"}))
    for teaser in ("摘要一……阅读全文", "摘要二……阅读全文", "摘要二……阅读全文"):
        item = summary_item(server, 1) | {"description": teaser}
        server.route("/feed.xml", Reply(body=rss([item])))
        assert nm(root, "run", "--all") == 0
    assert revisions(root) == [(1, "文章 1")]
    assert server.hits("/a/1.html") == 2  # the second teaser fetched the page once, no more


def test_one_bad_outline_does_not_stop_an_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opml = tmp_path / "s.opml"
    opml.write_bytes(
        write_opml(
            "s",
            [
                Outline("World / Asia", "https://a.example.com/feed", None, None),
                Outline("FTP", "ftp://b.example.com/feed", None, None),
                Outline("Good", "https://c.example.com/feed", None, None),
            ],
        )
    )
    root = make_archive(tmp_path / "a", [], monkeypatch)
    assert nm(root, "sources", "import", str(opml)) == 0
    with Archive(root, write=False) as archive:
        assert [s.name for s in archive.settings.sources] == ["World - Asia", "Good"]


def test_an_impossible_utc_offset_is_a_config_error(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSMIRROR_MIRROR_UTC_OFFSET", "+25:00")
    assert nm(root, "status") == 2
