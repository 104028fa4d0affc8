"""A costlier pass does not replace a plausible article with another block of the page."""

from __future__ import annotations

from lxml import etree

from newsmirror.extract.choose import better, needs_full_pass
from newsmirror.extract.tidy import prose

BRIEF = (
    "The city council voted on Tuesday to extend the night bus service to the airport, starting "
    "in March. The change adds six departures each night, and fares stay the same this year."
)
FOOTER = [
    "About us | Contact | Advertise | Privacy | Site map | Jobs | Feedback",
    "Address: 100 Main Street, Springfield, twelfth floor, phone 555-0100, fax 555-0101",
    "Copyright 2024 Example Media, all rights reserved, company number 1234567",
    "Office hours Monday to Friday, nine to six, closed on public holidays",
]


def body(*paragraphs: str) -> etree._Element:
    root = etree.Element("body")
    for text in paragraphs:
        etree.SubElement(root, "p").text = text
    return root


def test_footer_does_not_replace_a_brief() -> None:
    quick, full = body(BRIEF), body(*FOOTER)
    assert len("".join(full.itertext())) > len(BRIEF)
    assert better(quick, full) is quick


def test_more_of_the_article_replaces_the_quick_result() -> None:
    quick = body(BRIEF)
    full = body("Night bus extended", BRIEF, "The first new bus leaves at one in the morning.")
    assert better(quick, full) is full


def test_another_block_with_more_prose_wins() -> None:
    quick = body("Home", "News", "Sport")
    full = body(BRIEF, BRIEF.replace("Tuesday", "Monday"))
    assert better(quick, full) is full


def test_linked_sentences_are_no_prose() -> None:
    linked = etree.fromstring(f"<body><p><ref target='/a'>{BRIEF}</ref></p></body>")
    assert prose(linked) == 0
    assert prose(body(BRIEF)) > 30
    chinese = body("行政院今天通过明年度中央政府总预算案，总额较今年增加百分之三点五。")
    assert prose(chinese) > 20


# Posts long enough (over 250 characters) that one alone is no doubtful quick result.
POST = "第{i}则更新：救援人员在第{i}个村庄发现受困居民，已有{n}人获救。"
POSTS = [POST.format(i=i, n=i * 3) * 9 for i in range(12)]


def live_page(*, shaped: bool) -> etree._Element:
    posts = "".join(
        f"<div class='{'post' if shaped else f'p{i}'}'><span>10:{i:02d}</span>{post}</div>"
        for i, post in enumerate(POSTS)
    )
    return etree.fromstring(f"<html><body><h1>地震直播</h1><div>{posts}</div></body></html>")


def test_one_post_of_a_live_blog_asks_for_the_full_pass() -> None:
    assert len(POSTS[0]) > 250
    assert needs_full_pass(body(POSTS[0]), live_page(shaped=True))
    # The same text in blocks of different shapes is no run of posts.
    assert not needs_full_pass(body(POSTS[0]), live_page(shaped=False))
