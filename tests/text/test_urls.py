from __future__ import annotations

from newsmirror.text.urls import normalize_url, strip_tracking, url_key


def test_whatwg_serialization() -> None:
    assert normalize_url("HTTPS://WWW.Example.COM:443/a/../b c") == "https://www.example.com/b%20c"
    assert (
        normalize_url("/x/y.html", "https://www.voachinese.com/a/")
        == "https://www.voachinese.com/x/y.html"
    )
    assert normalize_url("http://[bad") is None


def test_tracking_parameters_removed_others_kept_in_order() -> None:
    assert (
        strip_tracking("https://a.com/x?utm_source=rss&id=3&fbclid=z&p=1#top")
        == "https://a.com/x?id=3&p=1"
    )
    assert strip_tracking("https://www.rfi.fr/cn/x?xtor=RSS-1") == "https://www.rfi.fr/cn/x"


def test_url_variants_share_one_key() -> None:
    variants = [
        "https://www.voachinese.com/a/story/6339221.html",
        "http://www.voachinese.com/a/story/6339221.html",
        "https://voachinese.com/a/story/6339221.html/",
        "https://www.voachinese.com/a/story/6339221.html?utm_source=rss&utm_medium=feed",
        "https://WWW.voachinese.com:443/a/story/6339221.html#comments",
    ]
    assert len({url_key(v) for v in variants}) == 1
    assert url_key("https://a.com/x?id=1") != url_key("https://a.com/x?id=2")
