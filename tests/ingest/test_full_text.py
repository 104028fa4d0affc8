"""Full text from article pages through a real run: when, what is recorded, retries."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive_helpers import articles, make_archive, nm, rss
from article_pages import PARAGRAPHS, page, summary_item
from newsmirror.archive.archive import Archive
from newsmirror.record.model import Revision
from newsmirror.settings.sources import Source
from server import LocalServer, Reply


def history(root: Path) -> list[Revision]:
    with Archive(root, write=False) as archive:
        return [entry.revision for entry in archive.log.read_all()]


@pytest.fixture
def root(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    server.route("/feed.xml", Reply(body=rss([summary_item(server, 1)])))
    return make_archive(
        tmp_path / "a",
        [Source("Site", "site", server.url("/feed.xml"))],
        monkeypatch,
        full_text="auto",
    )


def test_a_summary_is_replaced_by_the_page(server: LocalServer, root: Path) -> None:
    server.route("/a/1.html", Reply(body=page("文章 1"), headers={"Content-Type": "text/html"}))
    assert nm(root, "run") == 0
    (revision,) = history(root)
    assert not revision.summary_only and revision.extractor
    assert revision.hash != revision.feed_hash
    for paragraph in PARAGRAPHS:
        assert paragraph in revision.text
    assert "相关新闻" not in revision.text and "首页" not in revision.text
    (text,) = articles(root).values()
    assert "<div><i>Sat, 04 Dec 2021 02:32:08 GMT</i></div>" in text
    assert f"<p>{PARAGRAPHS[0]}</p>" in text
    # The feed still carries the same summary: like with like, nothing changed, no refetch.
    assert nm(root, "run", "--all") == 0
    assert server.hits("/a/1.html") == 1
    assert len(history(root)) == 1


def test_a_failed_page_keeps_the_summary_and_is_tried_again(
    server: LocalServer, root: Path
) -> None:
    server.route("/a/1.html", Reply(503))
    assert nm(root, "run") == 0
    (first,) = history(root)
    assert first.summary_only and "阅读全文" in first.text
    server.route("/a/1.html", Reply(body=page("文章 1"), headers={"Content-Type": "text/html"}))
    assert nm(root, "run", "--all") == 0
    second = history(root)[-1]
    assert (second.rev, second.summary_only) == (2, False)
    assert PARAGRAPHS[1] in second.text
    hits = server.hits("/a/1.html")
    assert nm(root, "run", "--all") == 0
    assert server.hits("/a/1.html") == hits and len(history(root)) == 2


def test_page_retries_stop_after_a_few(server: LocalServer, root: Path) -> None:
    server.route("/a/1.html", Reply(404))
    for _ in range(8):
        nm(root, "run", "--all")
    assert len(history(root)) == 1
    assert server.hits("/a/1.html") == 6  # the first try and five retries


def test_full_text_never_fetches_no_page(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route("/feed.xml", Reply(body=rss([summary_item(server, 1)])))
    root = make_archive(
        tmp_path / "n",
        [Source("Site", "site", server.url("/feed.xml"))],
        monkeypatch,
        full_text="never",
    )
    assert nm(root, "run") == 0
    assert server.hits("/a/1.html") == 0
    (revision,) = history(root)
    assert not revision.summary_only and revision.extractor is None


def test_full_content_items_need_no_page(server: LocalServer, root: Path) -> None:
    long_item = summary_item(server, 2)
    long_item["description"] = "<![CDATA[" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "]]>"
    server.route("/feed.xml", Reply(body=rss([long_item])))
    assert nm(root, "run") == 0
    assert server.hits("/a/2.html") == 0


def test_a_multi_page_article_is_joined(server: LocalServer, root: Path) -> None:
    first = page("文章 1").replace(
        b"</article>",
        b'<p><a href="/a/1_2.html">\xe4\xb8\x8b\xe4\xb8\x80\xe9\xa1\xb5</a></p></article>',
    )
    second_paragraphs = "".join(
        f"<p>第二页的第{n}段：美国将加强针对中国和俄罗斯的军事部署和基地，同时维持在中东的军力。</p>"
        for n in range(4)
    )
    second = page("文章 1").replace(
        "".join(f"<p>{p}</p>" for p in PARAGRAPHS).encode(), second_paragraphs.encode()
    )
    html = {"Content-Type": "text/html; charset=utf-8"}
    server.route("/a/1.html", Reply(body=first, headers=html))
    server.route("/a/1_2.html", Reply(body=second, headers=html))
    assert nm(root, "run") == 0
    (revision,) = history(root)
    assert PARAGRAPHS[0] in revision.text and "第二页的第3段" in revision.text
    assert revision.text.index(PARAGRAPHS[0]) < revision.text.index("第二页的第0段")


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body=b"", headers={"Content-Type": "text/html"}),
        Reply(
            body=b"<html><body><div class='consent'><h1>We value your privacy</h1><p>We and our "
            b"partners use cookies. Accept all to continue.</p><button>Accept</button></div>"
            b"</body></html>",
            headers={"Content-Type": "text/html"},
        ),
        Reply(body=b"\x89PNG\r\n\x1a\n not a page", headers={"Content-Type": "image/png"}),
    ],
)
def test_a_page_without_an_article_leaves_the_summary(
    server: LocalServer, root: Path, reply: Reply
) -> None:
    server.route("/a/1.html", reply)
    assert nm(root, "run") == 0
    (revision,) = history(root)
    assert revision.summary_only and "阅读全文" in revision.text
