"""The extraction pipeline: decode, parse, read metadata, apply site rules, extract, render."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urljoin

import trafilatura
from lxml import etree, html

from newsmirror.clean.depth import limit_depth
from newsmirror.extract.body import Rendered, body_text, image_key, render
from newsmirror.extract.captions import caption_map, image_source
from newsmirror.extract.choose import better, chars, needs_full_pass
from newsmirror.extract.convert import to_body
from newsmirror.extract.decode import decode_html
from newsmirror.extract.figures import restore_figures
from newsmirror.extract.metadata import PageMeta, clean, read_metadata
from newsmirror.extract.model import Extraction, Image
from newsmirror.extract.rules import SiteRule, furniture, rule_for
from newsmirror.extract.tidy import link_share, prose, prune, strip_furniture, trim

MAX_BYTES = 4_000_000
# Fewer characters than this (CJK counted once, other scripts per word character) is no article.
MIN_TEXT = 10
# Below this many tokens trafilatura's result is checked against readability's; also below
# LOST_BELOW tokens when the cleanup kept less than a third of trafilatura's text.
FALLBACK_BELOW = 75
LOST_BELOW = 150
CONSENT_BELOW = 80
# A page with no more than this many tokens of text in all is taken whole when nothing else is
# found (see _whole_page).
SMALL_PAGE = 60
# More than this share of link text is a list of links.
LINKED = 0.8
_NOT_HTML_TYPES = re.compile(
    r"^\s*(image|audio|video|font)/|application/(pdf|zip|octet-stream)", re.I
)
_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"RIFF", b"\x1f\x8b")
_CONSENT = re.compile(
    r"cookie|consent|gdpr|privacy settings|subscribe to (continue|read)|subscribers only|"
    r"sign in to (continue|read)|log in to (continue|read)|paywall|already a subscriber|"
    r"订阅后|付费|登录后|登錄後|訂閱|请登录|會員專屬",
    re.I,
)
# A page of a few words that says it needs scripts, or that it failed, is no article.
_SHELL = re.compile(
    r"javascript|\bjs\b|not found|\b(40[0-9]|50[0-9])\b|forbidden|access denied|error|"
    r"loading|redirect|unavailable|找不到|不存在|错误|錯誤|加载中|載入中|跳转|跳轉",
    re.I,
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# <style/>: browsers ignore the slash on an element that is not void and read CSS up to
# </style>; libxml2 closes it at once and leaves the CSS as text of the page.
_SELF_CLOSED_STYLE = re.compile(r"(<style\b[^>]*?)\s*/>", re.I)
# Text of links that lead somewhere (not ``javascript:`` or an anchor in the page).
_LINK_TEXT = etree.XPath(
    ".//a[@href][not(starts-with(normalize-space(@href), 'javascript:')"
    " or starts-with(normalize-space(@href), '#'))]//text()",
    smart_strings=False,
)
_STRING = etree.XPath("string()", smart_strings=False)
# What trafilatura drops first thing anyway, or never reads: code, markup that holds no text of
# the page, <footer> (its cleaning and its measure of the page's text both leave it out), <nav>,
# form controls and embedded media (its cleaning deletes them), and a site's <header> outside
# the article that holds no heading or paragraph. Its own cleaning comes after several passes
# over the whole page (a copy, two pruning queries, its measure of the page's text), each of
# which costs per element; these were a sixth of the elements it was handed.
_NO_TEXT = etree.XPath(
    ".//script[not(@type='application/ld+json' or @type='application/settings+json')]"
    "|.//style|.//svg|.//meta|.//link|.//head/title|.//footer|.//nav"
    "|.//input|.//select|.//button|.//textarea|.//label|.//fieldset|.//datalist|.//dialog"
    "|.//iframe|.//object|.//embed|.//canvas|.//video|.//audio|.//map|.//menu"
    "|.//header[not(ancestor::article or ancestor::main or .//h1 or .//h2 or .//p)]"
)
# Elements with nothing in them (spacers, icon fonts, ad slots): trafilatura deletes them in its
# cleaning, after the passes above.
_EMPTY = etree.XPath(
    ".//div[not(node())]|.//span[not(node())]|.//i[not(node())]|.//p[not(node())]"
    "|.//li[not(node())]|.//em[not(node())]|.//b[not(node())]|.//strong[not(node())]"
)
_LOOKUP = etree.ElementDefaultClassLookup(
    element=html.HtmlElement,
    comment=html.HtmlComment,
    pi=html.HtmlProcessingInstruction,
    entity=html.HtmlEntity,
)
_TOKENS = re.compile(r"[\u3040-\u9fff\uac00-\ud7af]|\w+")


def extract_article(
    page: bytes,
    url: str | None,
    content_type: str | None = None,
    *,
    rules: tuple[SiteRule, ...] | None = None,
) -> Extraction:
    """The article in ``page`` (see the package docstring). Never raises for bad input."""
    try:
        return _extract(page, url, content_type, rules)
    except Exception as exc:  # a page must never take the pipeline down; say what went wrong
        return Extraction(status=f"extraction failed: {type(exc).__name__}: {exc}"[:200], url=url)


def _extract(
    page: bytes, url: str | None, content_type: str | None, rules: tuple[SiteRule, ...] | None
) -> Extraction:
    extra: dict[str, str] = {}
    if not page or not page.strip():
        return Extraction(status="empty page", url=url)
    if (content_type and _NOT_HTML_TYPES.search(content_type)) or page.startswith(_MAGIC):
        return Extraction(status="not HTML", url=url)
    if len(page) > MAX_BYTES:
        extra["truncated"] = f"page cut at {MAX_BYTES} of {len(page)} bytes"
        page = page[:MAX_BYTES]
    text, codec = decode_html(page, content_type)
    extra["encoding"] = codec
    tree = _parse(text)
    if tree is None:
        return Extraction(status="empty page", url=url, extra=extra)

    meta = read_metadata(tree, url)
    page_linked = _link_share(tree)
    base = meta.canonical or url
    rule = rule_for(base, rules) if rule_for(base, rules).name else rule_for(url, rules)
    for selector in rule.drop:
        for node in _select(tree, selector):
            node.drop_tree()
    captions = caption_map(tree, base, list(rule.caption))
    date_fallback = None if meta.published else _find_date(tree, base)
    # Code is no text of the page and every stage after this one would copy, scan or drop it
    # again (a news page carries ~90 kB of it); icons (<svg>) and the head's <meta>, <link> and
    # <title> are read by now, and the rest of _NO_TEXT and _EMPTY trafilatura leaves out itself
    # (together a quarter of a page's elements, each copied and queried by trafilatura on every
    # pass). Dropped after the date search, which reads dates in scripts and meta; structured
    # data (JSON-LD) stays for trafilatura. _EMPTY second: the first drops empty some elements.
    for query in (_NO_TEXT, _EMPTY):
        found = query(tree)
        for node in found if isinstance(found, list) else []:
            if isinstance(node, html.HtmlElement):
                node.drop_tree()
    _unwrap_anchors(tree)
    lead = _lead_image(tree, meta, rule, base, captions)
    ruled = _rule_body(tree, rule)
    source = ruled if ruled is not None else tree

    # trafilatura's comparison with its readability and justext (``fast=False``) costs a fifth
    # of the extraction and changes the result on few pages: run it only where the quick
    # result looks doubtful.
    recall = source is not tree
    body = _trafilatura(source, fast=True, recall=recall)
    extracted = chars(body)
    if needs_full_pass(body, source, extracted):
        body = better(body, _trafilatura(source, fast=False, recall=recall))
        extracted = chars(body)
    rendered = plain = None
    if body is not None:
        prune(body)
        strip_furniture(body, furniture())
        trim(body)
        restore_figures(
            body, source, captions, base, image_key(lead.src) if lead else None, uncaptioned=True
        )
        rendered = render(body, base, captions, image_key(lead.src) if lead else None)
        plain = body_text(rendered.html)
    lead_key = image_key(lead.src) if lead else None
    size = _size(plain or "")  # counted once: _size walks the whole text
    if size < FALLBACK_BELOW or (size < LOST_BELOW and 3 * len(plain or "") < extracted):
        # trafilatura misses the article now and then on old portal layouts; readability's
        # scoring finds it there. Run only for short results, as it costs as much again.
        alternative = _readability_body(text if ruled is not None else tree)
        if alternative is not None:
            prune(alternative)
            strip_furniture(alternative, furniture())
            restore_figures(alternative, source, captions, base, lead_key)
            candidate = render(alternative, base, captions, lead_key)
            candidate_text = body_text(candidate.html)
            candidate_size = _size(candidate_text)
            if candidate_size > 2 * size + MIN_TEXT and better(body, alternative) is alternative:
                body, rendered, plain, size = alternative, candidate, candidate_text, candidate_size
                extra["extractor"] = "readability"
    whole = size < MIN_TEXT and _whole_page(source, base, captions, lead_key)
    if whole:
        # A page of a few words only (a notice, pictures under headings): all of it is its
        # content, unless it is a script shell or an error page.
        body, rendered, plain = whole
        size = _size(plain)
        extra["extractor"] = "page"
    if body is None or rendered is None or plain is None:
        return _nothing(tree, meta, url, extra)
    if link_share(body) > LINKED or (page_linked > LINKED and not prose(body)):
        # Nearly all the text found is link text, or it is no prose on a page of links (the
        # full pass may drop the links): a section front or a navigation page. An article above
        # a long list of links is still an article.
        return _nothing(tree, meta, url, extra, "no article found")
    if size < CONSENT_BELOW and _CONSENT.search(plain):
        # A few lines about cookies or subscribing are the gate in front of the article.
        return _nothing(tree, meta, url, extra, "consent or paywall page")
    if size < MIN_TEXT and not whole:
        return _nothing(tree, meta, url, extra)
    if lead is None and rendered.images:
        # No declared lead picture: the first picture of the article leads it.
        first = rendered.images[0]
        lead, skip = first, image_key(first.src)
        rendered = render(body, base, captions, skip)
        plain = body_text(rendered.html)

    published = meta.published or date_fallback
    authors = meta.authors
    return Extraction(
        status="ok",
        url=base,
        title=meta.title,
        published=published,
        updated=meta.updated if meta.updated and meta.updated != published else None,
        authors=tuple(authors),
        lead_image=lead,
        images=tuple(rendered.images),
        html=rendered.html,
        text=plain,
        next_page=meta.next_page,
        extra=extra,
    )


def _trafilatura(source: etree._Element, fast: bool, recall: bool) -> etree._Element | None:
    document = trafilatura.bare_extraction(
        source,
        # No URL: trafilatura would resolve every link (courlan, a tenth of its time); the
        # renderer makes links and images absolute against ``base`` anyway.
        url=None,
        fast=fast,
        include_comments=False,
        # Images are put back by restore_figures from the page itself, at their place and with
        # their captions; trafilatura's own image handling lost most figures and let icons and
        # teaser pictures through (F1 0.964 -> 0.968 Zyte, 0.933 -> 0.936 daniel without it).
        include_images=False,
        include_links=True,
        include_formatting=True,
        include_tables=True,
        with_metadata=False,  # our own metadata; trafilatura's date search costs 5x the rest
        # Only the body tree is used: "python" would also write it out as text (a twentieth of
        # the extraction); any other format leaves the conversion to extract().
        output_format="xml",
        favor_recall=recall,
    )
    body = getattr(document, "body", None)
    return body if isinstance(body, etree._Element) else None


def _whole_page(
    source: etree._Element, base: str | None, captions: dict[str, str], skip: str | None
) -> tuple[etree._Element, Rendered, str] | None:
    """The whole of a page's body, when it holds fewer than SMALL_PAGE tokens of text."""
    page_body = source.find(".//body")
    if page_body is None or _size(str(_STRING(page_body))) > SMALL_PAGE:
        return None
    body = to_body(page_body)
    rendered = render(body, base, captions, skip)
    plain = body_text(rendered.html)
    if not plain or _SHELL.search(plain) or link_share(body) > LINKED:
        return None
    return body, rendered, plain


def _unwrap_anchors(tree: etree._Element) -> None:
    """An <a> without href is a bookmark or an index term, no link: its text (often none) is
    kept as text. trafilatura counts it as link text, and an empty one before a paragraph's
    text made it take the whole paragraph for a link."""
    for anchor in [a for a in tree.iter("a") if a.get("href") is None]:
        if isinstance(anchor, html.HtmlElement) and anchor.getparent() is not None:
            anchor.drop_tag()


def _parse(text: str) -> etree._Element | None:
    # A page's nesting is bounded as a feed body's is: formatting tags closed out of order
    # thousands of times made libxml2 build a tree of ~4 KB per misnesting (a 4 MB page, 1 GB).
    text = limit_depth(_SELF_CLOSED_STYLE.sub(r"\1>", _XML_DECL.sub("", text, count=1)))
    if not text.strip():
        return None
    parser = html.HTMLParser(
        remove_comments=True, remove_pis=True, collect_ids=False, encoding="utf-8"
    )
    # Every element an HtmlElement, decided in C: lxml.html's own lookup is a Python call per
    # element proxy (a twentieth of the extraction), for form classes nothing here uses.
    parser.set_element_class_lookup(_LOOKUP)
    try:
        root = html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return None
    return root


def _readability_body(page: str | etree._Element) -> etree._Element | None:
    """readability-lxml's article, from the parsed tree when it is still whole (else the text).

    No URL is given: readability would rewrite every link of the page (a third of its time);
    the renderer makes the links it keeps absolute.
    """
    from readability import Document

    if isinstance(page, str):
        page = _XML_DECL.sub("", page, count=1)
    try:
        summary = Document(page).summary(html_partial=True)
        # lxml asserts on a summary without a body (a page whose markup ends inside <title>).
        return to_body(html.fragment_fromstring(summary, create_parent="div"))
    except Exception:  # readability on a hostile page: no alternative, not a failure
        return None


def _select(tree: etree._Element, selector: str) -> list[html.HtmlElement]:
    try:
        hits = tree.xpath(selector)
    except etree.XPathError:
        return []
    return [h for h in hits if isinstance(h, html.HtmlElement)] if isinstance(hits, list) else []


def _rule_body(tree: etree._Element, rule: SiteRule) -> html.HtmlElement | None:
    for selector in rule.body:
        hits = _select(tree, selector)
        if hits:
            wrapper = html.fromstring("<html><body><article></article></body></html>")
            article = wrapper.find(".//article")
            assert article is not None
            for hit in hits:
                article.append(hit)  # moves the node: the original tree is no longer needed
            return wrapper
    return None


def _lead_image(
    tree: etree._Element,
    meta: PageMeta,
    rule: SiteRule,
    base: str | None,
    captions: dict[str, str],
) -> Image | None:
    src = meta.image
    for selector in rule.lead_image:
        for node in _select(tree, selector):
            img = node if node.tag == "img" else node.find(".//img")
            found = image_source(img) if img is not None else None
            if found:
                src = found
                break
    absolute = urljoin(base, src) if base and src else src
    if absolute and absolute.startswith(("http://", "https://")):
        lead = Image(absolute, captions.get(image_key(absolute), ""))
        if lead.caption:
            return lead
    else:
        lead = None
    # og:image is often a cropped copy of the picture the page shows, under another name, and
    # carries no caption: the page's first captioned figure is the lead picture as shown.
    for figure in tree.iter("figure"):
        img = figure.find(".//img")
        caption = figure.find(".//figcaption")
        found = image_source(img) if img is not None else None
        if found and caption is not None:
            shown = urljoin(base, found) if base else found
            text = captions.get(image_key(shown), "")
            if text and shown.startswith(("http://", "https://")):
                return Image(shown, text)
            break
    return lead


def _link_share(tree: etree._Element) -> float:
    body = tree.find(".//body")
    if body is None:
        return 0.0
    # Characters other than white space: the lengths of the split words, no joined copy.
    total = sum(map(len, str(_STRING(body)).split()))
    linked = sum(map(len, "".join(_LINK_TEXT(body)).split()))  # type: ignore[arg-type]
    return linked / total if total else 0.0


def _nothing(
    tree: etree._Element,
    meta: PageMeta,
    url: str | None,
    extra: dict[str, str],
    status: str | None = None,
) -> Extraction:
    body = tree.find(".//body")
    root = body if body is not None else tree
    visible = clean(" ".join(t for t in root.itertext() if isinstance(t, str)))[:20_000]
    if status is None:
        status = "consent or paywall page" if _CONSENT.search(visible) else "no article found"
    return Extraction(
        status=status,
        url=meta.canonical or url,
        title=meta.title,
        published=meta.published,
        extra=extra,
    )


def _size(text: str) -> int:
    return len(_TOKENS.findall(text))


def _date_only(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def _find_date(tree: etree._Element, url: str | None) -> datetime | None:
    """htmldate's quick search (URL, markup), for pages that declare no date in metadata.

    Its extensive search (dateparser over the text) is left off: it costs 20x the rest of the
    extraction and on news pages mostly finds the date of some other story.
    """
    from htmldate import find_date

    try:
        found = find_date(tree, url=url, extensive_search=False, original_date=True)
    except Exception:  # htmldate on hostile markup: a missing date is the right answer
        return None
    return _date_only(found)
