"""A costlier pass does not replace a plausible article with another block of the page."""

from __future__ import annotations

from lxml import etree

from newsmirror.extract.body import prose
from newsmirror.extract.choose import better

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
