"""The rules the fast path writes out (fastrules, fastvalues) against what feedparser.parse does.

feedparser keeps these rules in its internals; the fast path has its own copies so that no
feedparser release can break newsmirror at import. Each test asks the installed feedparser,
through ``feedparser.parse`` only, whether a copy still holds, so a release that changes a
rule fails here (then update fastrules) rather than silently in a run.
"""

from __future__ import annotations

import urllib.parse

import feedparser
import lxml.html.defs
import pytest
from test_feeds_fast import both

from newsmirror.feeds.fastrules import (
    CAN_BE_RELATIVE,
    HANDLED_ENDS,
    HANDLED_STARTS,
    HTML_ELEMENTS,
    KEYMAP,
    NAMESPACES,
    URI_SCHEMES,
)
from newsmirror.feeds.fastvalues import fix_text, looks_like_html

RESERVED = {"http://www.w3.org/xml/1998/namespace"}  # only ever bound to "xml"


def item_of(inner: str, version: str = "2.0") -> dict[str, object]:
    """feedparser's entry for an RSS item with ``inner`` as its content."""
    document = (
        f'<rss version="{version}"><channel><title>c</title><item>{inner}</item></channel></rss>'
    )
    entries = dict.get(feedparser.parse(document.encode()), "entries")
    assert entries
    entry: dict[str, object] = entries[0]
    return entry


# Namespaces feeds use, written out here so that one dropped from fastrules is noticed too.
COMMON_URIS = {
    "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/terms/",
    "http://purl.org/rss/1.0/modules/content/",
    "http://search.yahoo.com/mrss/",
    "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "http://www.w3.org/2005/atom",
    "http://purl.org/rss/1.0/modules/slash/",
    "http://wellformedweb.org/commentapi/",
    "http://purl.org/rss/1.0/modules/syndication/",
    "http://rssnamespace.org/feedburner/ext/1.0",
    "http://www.georss.org/georss",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.google.com/schemas/sitemap-news/0.9",
    "https://www.rssboard.org/media-rss",
}


@pytest.mark.parametrize("uri", sorted((set(NAMESPACES) | COMMON_URIS) - RESERVED))
def test_namespace_prefixes_are_feedparsers(uri: str) -> None:
    # An element feedparser has no handler for is stored under its prefixed name: the prefix
    # is feedparser's for a namespace it knows, the document's ("zz") for any other.
    prefix = NAMESPACES.get(uri, "zz")
    entry = item_of(f'<zz:newsmirrortest xmlns:zz="{uri}">v</zz:newsmirrortest>')
    key = f"{prefix.lower()}_newsmirrortest" if prefix else "newsmirrortest"
    assert key in entry  # (its value is the attributes for xlink, which the fast path declines)


def test_an_unknown_namespace_keeps_the_documents_prefix() -> None:
    entry = item_of(
        '<zz:newsmirrortest xmlns:zz="https://unknown.example/ns">v</zz:newsmirrortest>'
    )
    assert dict.get(entry, "zz_newsmirrortest") == "v"


# Elements of common extensions that feedparser 6 has no handler for: stored as they are.
UNHANDLED = [
    ("slash", "comments"),
    ("wfw", "commentRss"),
    ("sy", "updatePeriod"),
    ("feedburner", "origLink"),
    ("dc", "format"),
    ("dc", "identifier"),
    ("dc", "type"),
    ("media", "text"),
    ("media", "copyright"),
    ("itunes", "duration"),
    ("itunes", "episode"),
    ("", "ttl"),
    ("", "comments"),
]
PREFIX_URIS = {prefix: uri for uri, prefix in NAMESPACES.items() if prefix}


@pytest.mark.parametrize(("prefix", "local"), UNHANDLED)
def test_elements_taken_as_unhandled_are_stored_as_they_are(prefix: str, local: str) -> None:
    name = f"{prefix}_{local}".lower() if prefix else local
    assert name not in HANDLED_STARTS and name not in HANDLED_ENDS
    tag = f"{prefix}:{local}" if prefix else local
    declaration = f' xmlns:{prefix}="{PREFIX_URIS[prefix]}"' if prefix else ""
    entry = item_of(f"<{tag}{declaration}>v</{tag}>")
    assert dict.get(entry, name) == "v"


def test_key_aliases_are_feedparsers() -> None:
    for alias, key in KEYMAP.items():
        result = feedparser.FeedParserDict()
        result[alias] = "v"
        assert dict(result) == {key: "v"}, alias
    for plain in ("title", "link", "id", "summary", "updated_parsed", "newsmirrortest"):
        result = feedparser.FeedParserDict()
        result[plain] = "v"
        assert dict(result) == {plain: "v"}, plain


# Elements that hold URLs in feeds (or look as if they might), beside fastrules' own list.
URL_LIKE = {"comments", "docs", "icon", "logo", "wfw_comment", "wfw_commentrss", "href", "ttl"}
URL_LIKE |= {"slash_comments", "feedburner_origlink", "rating", "cloud_url"}


@pytest.mark.parametrize("name", sorted(CAN_BE_RELATIVE | URL_LIKE))
def test_the_elements_resolved_against_xml_base_are_feedparsers(name: str) -> None:
    if name in HANDLED_STARTS | HANDLED_ENDS:
        return  # (href, id, link, url): their handlers decide, and the sweep below covers them
    tag, declaration = _tag_and_declaration(name)
    document = (
        '<rss version="2.0"><channel><title>c</title><item xml:base="http://base.example/d/">'
        f"<{tag}{declaration}>rel</{tag}></item></channel></rss>"
    )
    entry = dict.get(feedparser.parse(document.encode()), "entries")[0]
    resolved = dict.get(entry, name) == "http://base.example/d/rel"
    assert resolved == (name in CAN_BE_RELATIVE), dict.get(entry, name)


# Every HTML tag lxml knows, and names that only look like tags.
TAGS = lxml.html.defs.tags | HTML_ELEMENTS | {"svg", "math", "event", "newsmirrortest"}


@pytest.mark.parametrize("tag", sorted(TAGS))
def test_plain_text_with_markup_is_html_when_feedparser_says_so(tag: str) -> None:
    for text in (f"<{tag}>x</{tag}>", f"a <{tag}/> &amp; b", f"&lt;{tag}&gt; &nbsp;"):
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        detail = dict.get(item_of(f"<title>{escaped}</title>"), "title_detail")
        assert isinstance(detail, dict)
        assert looks_like_html(text) == (dict.get(detail, "type") == "text/html"), text


@pytest.mark.parametrize("text", ["a &bogus; b", "a &amp;nbsp; b", "x &#8217; y", "no markup"])
def test_entities_decide_like_feedparser(text: str) -> None:
    escaped = text.replace("&", "&amp;")
    detail = dict.get(item_of(f"<title>{escaped}</title>"), "title_detail")
    assert isinstance(detail, dict)
    assert looks_like_html(text) == (dict.get(detail, "type") == "text/html")


def test_c1_characters_and_mojibake_are_repaired_like_feedparser() -> None:
    texts = [f"x{chr(code)}y" for code in range(0x80, 0xA0)]
    texts += ["caf\u00c3\u00a9", "\u00e4\u00b8\u00ad\u00e6\u0096\u0087", "中文 \u0093q\u0094"]
    for text in texts:
        encoded = "".join(f"&#{ord(c)};" if ord(c) > 0x7E else c for c in text)
        assert dict.get(item_of(f"<title>{encoded}</title>"), "title") == fix_text(text), text


# The schemes the standard library knows, common unofficial ones, and ones no feed should use.
SCHEMES = sorted(
    {*urllib.parse.uses_netloc, *urllib.parse.uses_relative, *urllib.parse.non_hierarchical} - {""}
    | URI_SCHEMES
    | {"feed", "irc", "ircs", "irc6", "itms", "skype", "ssh", "smb", "javascript", "vbscript"}
    | {"data", "chrome", "about"}
)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_xml_base_schemes_and_joins_agree(scheme: str) -> None:
    # The guid of an item is its permalink here, so feedparser resolves it against xml:base.
    for guid in ("rel/1", "/root", "//other.example/x", "http:///three/slashes", "?q=1", ""):
        document = (
            '<rss version="2.0" xml:base="https://site.example/a/"><channel><title>c</title>'
            f'<item xml:base="{scheme}://host.example/b/"><title>t</title><guid>{guid}</guid>'
            f"</item><item><title>u</title><guid>{guid}</guid></item></channel></rss>"
        )
        assert both(document.encode()) is not None


def _tag_and_declaration(name: str) -> tuple[str, str]:
    """feedparser's element name (``dc_creator``) as a tag with its namespace declared."""
    prefix, _, local = name.partition("_")
    if local and prefix in PREFIX_URIS:
        return f"{prefix}:{local}", f' xmlns:{prefix}="{PREFIX_URIS[prefix]}"'
    return name, ""


VOCABULARY = sorted(
    HANDLED_STARTS | HANDLED_ENDS | {f"{p}_{n}".lower() if p else n for p, n in UNHANDLED}
)


@pytest.mark.parametrize("name", VOCABULARY)
def test_every_element_feedparser_knows_agrees_or_is_declined(name: str) -> None:
    # Each element, in the channel and in an item, empty, with text or with the attributes
    # handlers read: whenever the fast path answers, its Feed is feedparser's.
    tag, declaration = _tag_and_declaration(name)
    attributes = ' href="/h" url="/u" type="text/html" rel="alternate" term="t" scheme="s"'
    shapes = [
        f"<{tag}{declaration}/>",
        f"<{tag}{declaration}>https://text.example/p &lt;b&gt;x&lt;/b&gt;</{tag}>",
        f"<{tag}{declaration}{attributes}>2021-12-04 02:39:03</{tag}>",
    ]
    answered = 0
    for shape in shapes:
        for channel, item in ((shape, ""), ("", shape), (shape, shape)):
            document = (
                '<rss version="2.0"><channel><title>c</title><link>https://site.example/</link>'
                f"{channel}<item><title>t</title><link>https://site.example/1</link>"
                f"<guid>g1</guid><pubDate>Sat, 04 Dec 2021 02:39:03 GMT</pubDate>{item}"
                "<description>d</description></item></channel></rss>"
            )
            answered += both(document.encode()) is not None
    if name not in HANDLED_STARTS | HANDLED_ENDS:
        assert answered == 9  # an element feedparser stores as it is never makes it decline
