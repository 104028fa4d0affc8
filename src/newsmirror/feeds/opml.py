"""OPML source lists: read 1.0/2.0 (nested outlines flattened), write 2.0."""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import formatdate

import lxml.etree  # type: ignore[import-untyped,unused-ignore]  # lxml-stubs is optional

from newsmirror.errors import HostileFeed, MalformedFeed
from newsmirror.feeds.encoding import as_utf8_xml, decode_document
from newsmirror.feeds.model import Outline
from newsmirror.feeds.sniff import declares_entities
from newsmirror.feeds.text import is_web_url, resolve_url
from newsmirror.text.xml import xml_text

ABBR_ATTRIBUTE = "newsmirrorAbbr"


def _parser() -> lxml.etree.XMLParser:
    # Belt and braces: entity declarations are refused before parsing; this parser would not
    # expand or fetch them anyway.
    return lxml.etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


def _attributes(element: lxml.etree._Element) -> dict[str, str]:
    # OPML in the wild spells xmlUrl as xmlurl or xmlURL too: compare names case-insensitively.
    return {str(name).lower(): str(value) for name, value in element.attrib.items()}


def read_opml(data: bytes, url_or_path: str) -> list[Outline]:
    """Every outline with an xmlUrl, in document order, duplicates (by xmlUrl) dropped."""
    if not data.strip():
        raise MalformedFeed(url_or_path, "the OPML file is empty")
    text = decode_document(data)
    if declares_entities(text):
        raise HostileFeed(url_or_path, "the document declares XML entities; refusing to parse")
    try:
        root = lxml.etree.fromstring(as_utf8_xml(text), parser=_parser())
    except lxml.etree.XMLSyntaxError as error:
        reason = " ".join(str(error).split())
        raise MalformedFeed(
            url_or_path, f"not well-formed XML ({reason}); fix the OPML file"
        ) from error
    if not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise MalformedFeed(url_or_path, "not an OPML file (its root element is not <opml>)")
    # Relative xmlUrls only mean something when the OPML itself came from the web.
    base = url_or_path if is_web_url(url_or_path) else None
    outlines: dict[str, Outline] = {}
    for element in root.iter("outline"):
        attrs = _attributes(element)
        xml_url = resolve_url(base, attrs.get("xmlurl"))
        if xml_url is None or xml_url in outlines:
            continue
        title = (attrs.get("title") or attrs.get("text") or "").strip() or xml_url
        outlines[xml_url] = Outline(
            title=title,
            xml_url=xml_url,
            html_url=resolve_url(base, attrs.get("htmlurl")),
            abbr=attrs.get(ABBR_ATTRIBUTE.lower(), "").strip() or None,
        )
    return list(outlines.values())


def write_opml(title: str, outlines: Sequence[Outline]) -> bytes:
    """An OPML 2.0 document (UTF-8) listing ``outlines``; read_opml reads it back unchanged."""
    root = lxml.etree.Element("opml", version="2.0")
    head = lxml.etree.SubElement(root, "head")
    lxml.etree.SubElement(head, "title").text = xml_text(title)
    lxml.etree.SubElement(head, "dateCreated").text = formatdate(usegmt=True)  # RFC 822
    body = lxml.etree.SubElement(root, "body")
    for outline in outlines:
        attrs = {
            "text": outline.title,
            "title": outline.title,
            "type": "rss",
            "xmlUrl": outline.xml_url,
        }
        if outline.html_url:
            attrs["htmlUrl"] = outline.html_url
        if outline.abbr:
            attrs[ABBR_ATTRIBUTE] = outline.abbr
        element = lxml.etree.SubElement(body, "outline")
        for name, value in attrs.items():  # set one by one to keep this order in the output
            element.set(name, xml_text(value))
    document: bytes = lxml.etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return document
