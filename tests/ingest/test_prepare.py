"""Preparing feeds in worker processes gives what preparing them inline gives."""

from __future__ import annotations

import asyncio

import pytest

from archive_helpers import rss
from newsmirror.clean import ImagePolicy
from newsmirror.errors import MalformedFeed
from newsmirror.prepare.candidates import WORKER_THRESHOLD, Prepared, Preparer, prepare_feed

POLICY = ImagePolicy()


def big_feed() -> bytes:
    items = [
        {
            "title": f"第{n}条",
            "link": f"https://e.com/{n}.html",
            "guid": f"g{n}",
            "description": f"<![CDATA[<p>{'新闻正文' * 300}</p><script>x()</script>]]>",
        }
        for n in range(40)
    ]
    data = rss(items)
    assert len(data) > WORKER_THRESHOLD
    return data


def prepare(preparer: Preparer, data: bytes) -> Prepared:
    async def go() -> Prepared:
        return await preparer.prepare(data, "https://e.com/feed.xml", None, "e", "never")

    return asyncio.run(go())


def test_workers_and_inline_agree() -> None:
    data = big_feed()
    inline = prepare_feed(data, "https://e.com/feed.xml", None, "e", POLICY)
    with Preparer(POLICY, workers=2) as preparer:
        pooled = prepare(preparer, data)
        assert preparer._pool is not None  # the large feed really went to a worker
    assert pooled == inline
    assert len(pooled.candidates) == 40
    assert pooled.candidates[0].title == "第39条"  # oldest first
    assert "script" not in pooled.candidates[0].html


def test_errors_cross_back_from_workers_intact() -> None:
    broken = b"<rss version='2.0'><channel><title>x</title><item><title>" + b"a" * WORKER_THRESHOLD
    with Preparer(POLICY, workers=2) as preparer, pytest.raises(MalformedFeed) as caught:
        prepare(preparer, broken)
    assert caught.value.url == "https://e.com/feed.xml"
    assert str(caught.value).startswith("https://e.com/feed.xml: ")
