"""The content hash is an article's identity over time: a faster way to compute it must give the
same hash for every body, or every archived article would look edited on the next run."""

from __future__ import annotations

import hashlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsmirror.clean.images import ImagePolicy
from newsmirror.record.fingerprint import VERSION, content_hash
from newsmirror.text.urls import strip_tracking

# The patterns as they were first written: the hash's definition.
URL_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
RELATIVE_TIME = re.compile(
    r"\b\d+\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b|"
    r"\d+\s*(秒|分钟|分鐘|小时|小時|天|周|週)前|刚刚|剛剛|just now",
    re.IGNORECASE,
)


def defined_hash(title: str, html: str, policy: ImagePolicy) -> str:
    def canonical_url(match: re.Match[str]) -> str:
        url = match[2].replace("&amp;", "&")
        if match[1] == "src":
            url = policy.original(url)
        url = re.sub(r"^https?://", "//", strip_tracking(url))
        return f'{match[1]}="{url}"'

    body = RELATIVE_TIME.sub("", URL_ATTRIBUTE.sub(canonical_url, html))
    body = re.sub(r">\s+<", "><", body)
    body = " ".join(body.split())
    digest = hashlib.sha256(f"{' '.join(title.split())}\x00{body}".encode()).hexdigest()
    return f"{VERSION}:{digest[:32]}"


# Pieces that make the patterns match, almost match, or match in odd places.
PIECES = [
    "href", "src", "xhref", "_src", "1src", "é", "ſ", "Ａ", '="', '"', "=", " ", "\n", "<p>",
    "</p>", "<img ", "<a ", ">", "https://e.example/a?utm_source=x&amp;id=1", "//e.example/",
    "3", "12", "٣", " ago", "AGO", "agO", "seconds", "MINS", "hrs", "days", "week", "weeks",
    "just now", "JUST NOW", "juſt now", "刚刚", "剛剛", "秒", "分钟", "分鐘", "小时", "小時",
    "天", "周", "週", "前", "目前", "前一篇", "中文", "abc",
]  # fmt: skip
BODIES = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(BODIES, st.sampled_from(["标题", "Title  with  spaces"]))
def test_the_hash_is_the_one_its_definition_gives(body: str, title: str) -> None:
    for policy in (ImagePolicy(), ImagePolicy("original")):
        assert content_hash(title, body, policy) == defined_hash(title, body, policy)


def test_relative_times_and_tracking_still_do_not_count() -> None:
    policy = ImagePolicy()
    one = '<p>3 分钟前</p><a href="https://e.example/a?utm_source=x">a</a><p>2 hours ago</p>'
    two = '<p>5 分钟前</p><a href="http://e.example/a">a</a><p>7 hours ago</p>'
    assert content_hash("t", one, policy) == content_hash("t", two, policy)
    assert content_hash("t", one, policy) != content_hash("t", one + "<p>more</p>", policy)
