"""Titles, names and URLs, whatever they hold, never become markup or a script link: in the
mirror's Markdown rendered by CommonMark with raw HTML allowed, in the reader's and the site's
pages, and in the feeds (issue 13: markup injection through titles and URLs)."""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from archive_helpers import articles, make_archive, nm, rss
from newsmirror.archive.archive import Archive
from newsmirror.archive.library import Library
from newsmirror.clean import ImagePolicy
from newsmirror.clean.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from newsmirror.render.feed_writers import FORMATS, FeedInfo
from newsmirror.render.mirror_format import render_article, render_list, render_readme
from newsmirror.render.pages import Pages
from newsmirror.render.paths import zone
from newsmirror.render.syndication import feed_items
from newsmirror.store.model import Listed
from newsmirror.text.escaping import escape_line, escape_title, link_target, markdown_link
from reader_archive import make_reader_archive, revision
from server import LocalServer, Reply

FIXTURE = HealthCheck.function_scoped_fixture  # the archive is shared on purpose: an article each
COMMONMARK = MarkdownIt("commonmark", {"html": True})
SCRIPTED = {"script", "iframe", "frame", "object", "embed", "svg", "math", "base", "style"}
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "poster", "data"}
FEED = FeedInfo("镜像", "https://mirror.example.org/", "https://mirror.example.org/atom.xml", "f")
BODY = '<p>正文 <a href="https://example.com/x" target="_blank">链接</a></p>'

HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src=javascript:1>",
    "<javascript:alert(1)>", "<https://example.com>", "a)[x](javascript:alert(1))",
    "](javascript:alert(1))", "[x]: javascript:alert(1)", "\n[x]: javascript:alert(1)\n",
    "![i](javascript:alert(1))", "&lt;script&gt;", "&#x3C;svg onload=alert(1)>", "\\", "\\]",
    "`", "```js\n", "~~~\n", "# ", "1. ", "- ", "> ", "    ", "\n\n", "\x00", "\x1b[31m",
    "<!--", "-->", "<?php", "<![CDATA[", "<a href='javascript:alert(1)'>x</a>", "*", "_", "=",
    "|", "<div>", "</p>", "<style>", "标题", "臺灣", " ",
]  # fmt: skip
HOSTILE_URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "file:///etc/passwd",
    "mailto:a@example.com", "//example.com/x", "/relative", "", "http://", "https://a.b/x y",
    "https://a.b/a)[x](javascript:alert(1))", "https://a.b/<script>", "https://a.b/\\)",
    'https://a.b/"onmouseover="alert(1)', "https://a.b/?q=<img src=x>", "https://a.b/#)>",
    "http://a.b/&lt;x&gt;", "https://例子.测试/路径?查询=值",
]  # fmt: skip

titles = st.lists(st.sampled_from(HOSTILE) | st.text(max_size=8), max_size=6).map("".join)
urls = st.sampled_from(HOSTILE_URLS) | titles.map(lambda path: f"https://example.com/{path}")


def scheme_ok(value: str) -> bool:
    """A URL attribute is relative or http(s)."""
    head = value.strip().lower()
    if ":" not in head.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]:
        return True
    return head.startswith(("http://", "https://"))


def elements(markup: str) -> Iterator[etree._Element]:
    root = lxml_html.fromstring(f"<html><body>{markup}</body></html>")
    return (e for e in root.iter() if isinstance(e.tag, str) and e.tag not in ("html", "body"))


def assert_allowed(markup: str) -> None:
    """Only the sanitizer's elements and attributes, only http(s) or relative URLs."""
    for element in elements(markup):
        assert element.tag in ALLOWED_TAGS, (element.tag, markup)
        for name, value in element.attrib.items():
            assert name in ALLOWED_ATTRIBUTES.get(element.tag, ()), (element.tag, name, markup)
            if name in URL_ATTRIBUTES:
                assert scheme_ok(value), (name, value, markup)


def markdown(text: str) -> str:
    rendered = COMMONMARK.render(text)
    assert_allowed(rendered)
    return rendered


def test_escaping_follows_the_mirror_format() -> None:
    assert escape_title("  中俄\n加深  关系 ") == "中俄 加深 关系"  # unchanged but for spaces
    assert escape_title("<img src=x onerror=alert(1)> & [b] \\") == (
        r"&lt;img src=x onerror=alert(1)&gt; &amp; \[b\] \\"
    )
    assert escape_title("a\x00b\x1bc") == "abc"
    assert escape_line("# 标题") == r"\# 标题" and escape_line("1. 标题") == r"1\. 标题"
    assert link_target("https://a.b/a)[x](javascript:alert(1))") == (
        "https://a.b/a%29[x]%28javascript:alert%281%29%29"
    )
    assert link_target("javascript:alert(1)") is None
    assert link_target("data:text/html,x") is None
    assert markdown_link("标题", "javascript:alert(1)") == "标题 (javascript:alert(1))"
    assert markdown_link("标题", None) == "[标题]()"  # as before: the mirror format's shape
    assert (
        markdown_link("标题", "HTTPS://Example.COM:443/a b") == "[标题](https://example.com/a%20b)"
    )


@settings(max_examples=300, deadline=None)
@given(title=titles, url=st.none() | urls, name=titles)
@example(title="`", url="https://example.com/?`", name="x")  # a code span from title into URL
def test_mirror_markdown_renders_no_markup_from_titles_urls_or_names(
    title: str, url: str | None, name: str
) -> None:
    made = revision(1, "voa", title, BODY, url=url)
    article = markdown(render_article(made, ImagePolicy("proxy", "")))
    # The body is the only block of raw HTML; the heading holds at most the one link.
    heading = article.split("<p>正文", 1)[0]
    links = [a.get("href") for a in lxml_html.fromstring(f"<div>{heading}</div>").iter("a")]
    assert len(links) == (1 if not url or link_target(url) else 0)
    entry = Listed("voa", "articles/voa/2026/11/01-x.md", title, 1_700_000_000_000)
    listed = markdown(render_list(name, [entry], zone("+08:00")))
    assert [a.get("href") for a in lxml_html.fromstring(listed).iter("a")] == [f"/{entry.path}"]
    readme = markdown(render_readme([name, "美国之音"]))
    assert len(list(lxml_html.fromstring(readme).iter("a"))) == 2


def tags_and_attributes(page: str) -> set[tuple[str, str]]:
    found = set()
    for element in lxml_html.fromstring(page).iter():
        if isinstance(element.tag, str):
            found.add((element.tag, ""))
            found.update((element.tag, name) for name in element.attrib)
    return found


def assert_page_urls(page: str) -> None:
    for element in lxml_html.fromstring(page).iter():
        for name, value in element.attrib.items():
            if name in URL_ATTRIBUTES and not (element.get("rel") == "icon" and value == "data:,"):
                assert scheme_ok(value), (element.tag, name, value)


class Reader:
    """An archive open as the reader and the site read it; each example adds an article."""

    def __init__(self, root: Path) -> None:
        self.archive = Archive(make_reader_archive(root))
        self.archive.__enter__()
        self.numbers = itertools.count(1000)
        self.plain = self.pages(f"{next(self.numbers)}", "朴素的标题", "https://example.com/ok")

    def add(self, n: str, title: str, url: str | None) -> str:
        made = revision(int(n), "voa", title, BODY, url=url, keys=(f"t:{n}",))
        self.archive.append([made])
        return made.path

    def pages(self, n: str, title: str, url: str | None) -> dict[bool, set[tuple[str, str]]]:
        """The elements and attributes of the article's page, for the site and the reader;
        the front page that lists it is checked for scripts and URLs."""
        path = self.add(n, title, url)
        library = Library(self.archive)
        shown = {}
        for static in (True, False):
            pages = Pages(library, static=static)
            article, home = pages.article(path), pages.home()
            assert article is not None and home is not None
            for page in (article, home):
                assert_page_urls(page)
                found = tags_and_attributes(page)
                assert not {tag for tag, _ in found} & SCRIPTED, page
                assert not [name for _, name in found if name.startswith("on")], page
            shown[static] = tags_and_attributes(article)
        return shown


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    made = Reader(tmp_path_factory.mktemp("markup") / "archive")
    yield made
    made.archive.__exit__(None, None, None)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=titles, url=st.none() | urls)
def test_reader_and_site_pages_add_no_markup_for_titles_and_urls(
    reader: Reader, title: str, url: str | None
) -> None:
    shown = reader.pages(f"{next(reader.numbers)}", title, url)
    for kind, found in shown.items():
        assert found <= reader.plain[kind], (kind, found - reader.plain[kind])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=titles, url=st.none() | urls)
def test_feeds_keep_titles_as_text_and_links_http(
    reader: Reader, title: str, url: str | None
) -> None:
    path = reader.add(f"{next(reader.numbers)}", title, url)
    library = Library(reader.archive)
    shelved = [library.store.shelved(path)]
    assert shelved[0] is not None
    items = feed_items(library, shelved, "https://mirror.example.org/")  # type: ignore[arg-type]
    for kind, (_, _, write) in FORMATS.items():
        data = write(FEED, items)
        if kind == "json":
            (entry,) = json.loads(data)["items"]
            links = [entry["url"], entry.get("external_url", "https://x")]
        else:
            tree = etree.fromstring(data)
            for element in tree.iter():
                assert len(element) == 0 or not element.tag.endswith("title"), kind  # text only
            links = [e.get("href") or e.text or "" for e in tree.iter("{*}link")]
        assert all(link.startswith(("http://", "https://")) for link in links), (kind, links)


def test_hostile_opml_and_feed_reach_the_mirror_as_text(
    tmp_path: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An OPML title becomes a source's name, a feed's titles and links become articles: the
    README, the list and the article file render them as text, with no script link."""
    name = '<img src=x onerror=alert(1)>](javascript:alert(1)) [x]: javascript:alert(2) "'
    title = "<script>alert(1)</script><javascript:alert(3)> a)[x](javascript:alert(4))"
    link = "https://example.com/a)[x](javascript:alert(5))"
    items = [{"title": html.escape(title), "link": html.escape(link), "description": "<p>正文</p>"}]
    server.route("/feed.xml", Reply(body=rss(items)))
    opml = tmp_path / "sources.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body><outline type="rss" '
        f'text="{html.escape(name)}" xmlUrl="{server.url("/feed.xml")}"/></body></opml>'
    )
    root = make_archive(tmp_path / "archive", [], monkeypatch)
    assert nm(root, "sources", "import", str(opml)) == 0
    assert nm(root, "run") == 0
    (article,) = articles(root).values()
    (listing,) = (root / "lists").glob("*.md")
    for text in (article, listing.read_text(), (root / "README.md").read_text()):
        (href,) = lxml_html.fromstring(markdown(text)).xpath("//a/@href")  # one link, no more
        assert href.startswith(("https://example.com/a%29", "/articles/", "lists/"))
    assert escape_title(title) in article and escape_line(name) in listing.read_text()
