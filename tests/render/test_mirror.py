from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsmirror.clean import ImagePolicy, sanitize
from newsmirror.record.fingerprint import content_hash
from newsmirror.render.mirror_format import render_list
from newsmirror.render.paths import article_path, slug, zone
from newsmirror.store.model import Listed
from newsmirror.text.escaping import escape_title

TZ = zone("+08:00")
PROXY = ImagePolicy()


def test_title_escaping_keeps_the_link_intact() -> None:
    assert escape_title("  中俄\n加深  关系 ") == "中俄 加深 关系"
    assert escape_title(r"a [b] \ c") == r"a \[b\] \\ c"


def test_image_policy_proxy_wraps_once_and_original_unwraps() -> None:
    original = "https://gdb.voanews.com/7AD0_w900.jpg?x=1"
    proxied = "https://images.weserv.nl?url=gdb.voanews.com/7AD0_w900.jpg?x=1"
    assert PROXY.rewrite(original) == proxied
    assert PROXY.rewrite(proxied) == proxied
    assert ImagePolicy("original").rewrite(proxied) == original
    assert ImagePolicy("original").rewrite(original) == original


def test_sanitizer_removes_what_can_run_or_hide() -> None:
    dirty = (
        '<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)">j</a>'
        '<img src="data:image/png;base64,AAAA"><iframe src="https://e.com"></iframe>'
        '<form><input name="q"></form><span style="position:fixed">s</span>'
        '<small style="color: #999;">cap</small><a href="/rel" target="_top">r</a></p>'
    )
    clean = sanitize(dirty, "https://www.example.com/a/b.html")
    for banned in (
        "onclick",
        "script",
        "javascript",
        "data:",
        "iframe",
        "form",
        "input",
        "position",
    ):
        assert banned not in clean
    assert '<small style="color: #999;">cap</small>' in clean
    assert '<a href="https://www.example.com/rel" target="_blank">r</a>' in clean


def test_hash_ignores_whitespace_tracking_and_proxying() -> None:
    a = '<p>Hello <a href="https://x.com/a?utm_source=rss">x</a></p><img src="https://images.weserv.nl?url=i.com/p.jpg">'
    b = '<p>Hello  <a href="http://x.com/a">x</a></p>\n  <img src="https://i.com/p.jpg">'
    assert content_hash("T", a, PROXY) == content_hash(" T ", b, PROXY)
    assert content_hash("T", a, PROXY) != content_hash("T2", a, PROXY)
    assert content_hash("T", a, PROXY) != content_hash("T", a.replace("Hello", "Bye"), PROXY)


def test_paths_are_dated_safe_and_unique() -> None:
    moment = datetime(2021, 12, 4, 2, 39, 3, tzinfo=UTC)
    url = "https://www.voachinese.com/a/china-russia-20211203/6339221.html"
    assert (
        article_path("voa", url, "abcdef0123456789", moment, TZ, lambda p: False)
        == "articles/voa/2021/12/04-6339221.md"
    )
    taken = article_path("voa", url, "abcdef0123456789", moment, TZ, lambda p: True)
    assert taken == "articles/voa/2021/12/04-6339221-abcdef01.md"
    hostile = "https://e.com/../../%E4%B8%AD/..%2F" + "x" * 300
    name = article_path("voa", hostile, "abcdef0123456789", moment, TZ, lambda p: False)
    assert ".." not in name and len(name.rsplit("/", 1)[1].encode()) <= 80
    assert slug(None, "fallback") == "fallback"


@pytest.mark.parametrize(
    ("url", "stem"),
    [
        ("https://www.bbc.com/zhongwen/articles/c1ez1k4emn0t/simp", "c1ez1k4emn0t"),
        ("https://www.bbc.com/zhongwen/articles/c1ez1k4emn0t/trad?at=1", "c1ez1k4emn0t"),
        ("https://cn.nytimes.com/world/20241130/trump-china/zh-hant/", "trump-china"),
        ("https://m.cn.nytimes.com/china/20241130/xi-visit/amp/", "xi-visit"),
        ("https://www.dw.com/zh/some-title/a-70315920", "a-70315920"),
        ("https://e.com/news/index.html", "news"),
        ("https://e.com/zh/", "fallback"),  # nothing but the variant
        ("https://e.com/a/1.html", "fallback"),  # too short to name anything
    ],
)
def test_file_names_come_from_the_identifying_part_of_the_url(url: str, stem: str) -> None:
    assert slug(url, "fallback") == stem


def test_list_format_newest_first_in_utc_plus_8() -> None:
    entries = [
        Listed("voa", "articles/voa/2021/12/04-b.md", "B [x]", 1638585543000),
        Listed("voa", "articles/voa/2021/01/01-a.md", "A", 1609430400000),  # 2020-12-31T16:00Z
    ]
    assert render_list("美国之音", entries, TZ) == (
        "美国之音\n------\n\n"
        "12-4 [B \\[x\\]](/articles/voa/2021/12/04-b.md)\n\n"
        "1-1 [A](/articles/voa/2021/01/01-a.md)\n"
    )


def test_hash_ignores_relative_timestamps() -> None:
    a = "<p>Updated 3 minutes ago</p><p>正文</p><p>5分钟前</p>"
    b = "<p>Updated 12 minutes ago</p><p>正文</p><p>1小时前</p>"
    assert content_hash("T", a, PROXY) == content_hash("T", b, PROXY)
    assert content_hash("T", a, PROXY) != content_hash("T", a.replace("正文", "新正文"), PROXY)
