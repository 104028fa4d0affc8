"""parse_xml_feed_fast: RSS 2.0/0.9x, RSS 1.0 (RDF) and Atom 1.0/0.3 through lxml, or None.

feedparser spends ~0.5 ms per item on a full-content feed, most of newsmirror's ingest CPU.
This path gets feedparser's result (for everything newsmirror reads) ~3x faster by replaying
feedparser's own state machine (fastcore) on an lxml tree (bench/feeds.py). It uses nothing
of feedparser but ``feedparser.parse``: the rules it follows are written out in fastrules and
fastvalues. It returns None, and xmlfeed falls back to feedparser,
whenever it cannot vouch for that result: XML that libxml2 or expat finds not well-formed
(feedparser would then use its lenient parser), an unknown root, a DTD with an internal
subset, unexpanded entities, namespace prefixes feedparser would resolve depending on their
order, elements whose feedparser handlers are not ported, no items, or any error at all.
"""

from __future__ import annotations

import re
import threading
import xml.parsers.expat
from collections.abc import Callable
from typing import Any

import lxml.etree  # type: ignore[import-untyped,unused-ignore]  # lxml-stubs is optional

from newsmirror.feeds.fastcore import Core, Decline
from newsmirror.feeds.fastrules import NAMESPACES
from newsmirror.feeds.fasttables import tables
from newsmirror.feeds.model import Feed
from newsmirror.feeds.xmlmap import build_feed

_HANDLERS = tables()
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_XLINK = "http://www.w3.org/1999/xlink"
_USERLAND = "backend.userland.com/rss"  # feedparser reads any such namespace as plain RSS
_STD_PREFIXES = frozenset(prefix.lower() for prefix in NAMESPACES.values() if prefix)
# A DOCTYPE with an internal subset ("[...]"); lxml's docinfo has a DTD object either way.
_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_NAMED_REF = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);|#)")
# What feedparser cuts out of the prolog (it does not expose how): ENTITY and DOCTYPE
# declarations at the start of a line.
_PROLOG_ENTITY = re.compile(rb"^\s*<!ENTITY([^>]*?)>", re.MULTILINE)
_PROLOG_DOCTYPE = re.compile(rb"^\s*<!DOCTYPE([^>]*?)>", re.MULTILINE)
_ELEMENT_OR_WORD = re.compile(rb"<\w")
_local = threading.local()  # an lxml parser must not be used by two threads at once


def _parser() -> Any:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = lxml.etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,  # feedparser ignores comments and PIs, text around them joins
            remove_pis=True,
            strip_cdata=True,  # CDATA is plain text to feedparser (via expat) too
            # Not collect_ids=False: with libxml2 2.14 it makes the parser fetch external DTDs
            # (which no_network then refuses, failing the parse).
        )
    return parser


def _prolog(document: bytes) -> bytes:
    first = _FIRST_ELEMENT.search(document)
    return document[: first.start()] if first else document


def _known(uri: str) -> str | None:
    low = uri.lower()
    return "" if _USERLAND in low else NAMESPACES.get(low)


class _Namespaces:
    """The document's namespace declarations, as feedparser's name resolution needs them.

    feedparser names an element of a namespace it does not know by the first prefix declared
    for it so far, and lets a document prefix shadow its own names for known namespaces. Both
    depend on declaration order, which a tree does not keep: such documents are declined.
    """

    def __init__(self, root: Any) -> None:
        bound: dict[str, str] = {}
        by_uri: dict[str, set[str | None]] = {}
        for _, (given, uri) in lxml.etree.iterwalk(root, events=("start-ns",)):
            if not uri:
                continue  # xmlns="": feedparser ignores it
            prefix = given or None
            # One prefix for several namespaces: feedparser's naming would depend on order. The
            # default namespace may vary (Atom around XHTML): feedparser never names by it.
            if prefix is not None and bound.setdefault(prefix, uri) != uri:
                raise Decline
            by_uri.setdefault(uri, set()).add(prefix)
        self.unknown: dict[str, str] = {}  # unknown URI -> its elements' prefix ("" if none)
        self.attribute_prefix: dict[str, str] = {}  # URI -> its one declared prefix
        for uri, prefixes in by_uri.items():
            named = sorted(p for p in prefixes if p)
            if len(named) == 1:
                self.attribute_prefix[uri] = named[0]
            if uri == _XLINK and named:
                raise Decline  # feedparser adds xlink declarations to the next element's attrs
            if _known(uri) is None:
                if len(prefixes) > 1:
                    raise Decline
                self.unknown[uri] = named[0] if named else ""
        shadowable = _STD_PREFIXES | {p.lower() for p in self.unknown.values()}
        for uri, prefixes in by_uri.items():
            std = _known(uri)
            for prefix in prefixes:
                low = prefix.lower() if prefix else ""
                if std is not None and low and low != std and low in shadowable:
                    raise Decline

    def names(self) -> Callable[[str], tuple[str, str, bool]]:
        """lxml tag -> (feedparser handler key, feedparser tag, has no prefix), cached."""
        cache: dict[str, tuple[str, str, bool]] = {}

        def names(tag: str) -> tuple[str, str, bool]:
            hit = cache.get(tag)
            if hit is None:
                uri, _, local = tag[1:].partition("}") if tag[0] == "{" else ("", "", tag)
                prefix = _known(uri) if uri else ""
                if prefix is None:
                    prefix = self.unknown.get(uri)
                    if prefix is None:
                        raise Decline  # a namespace the scan did not see declared
                qualified = f"{prefix}:{local}".lower() if prefix else local.lower()
                head, _, tail = qualified.partition(":")
                hit = cache[tag] = (f"{head}_{tail}" if tail else head, qualified, not tail)
            return hit

        return names

    def attrs_of(self, element: Any) -> list[tuple[str, str]]:
        """Attributes as feedparser's strict parser passes them: names lower-cased, each
        namespaced one under feedparser's prefix and then under the document's, rel and type
        values lower-cased."""
        items: list[tuple[str, str]] = element.items()
        if not items:
            return []
        merged: dict[str, str] = {}
        namespaced = False
        for name, value in items:
            if name[0] == "{":
                namespaced = True
                uri, _, local = name[1:].partition("}")
                std = NAMESPACES.get(uri.lower(), "")
                name = f"{std}:{local}" if std else local
            merged[name.lower()] = value
        if namespaced:  # then again by qualified name, as SAX's getQNames gives them
            for name, value in items:
                if name[0] == "{":
                    uri, _, local = name[1:].partition("}")
                    prefix = "xml" if uri == _XML_NS else self.attribute_prefix.get(uri)
                    if prefix is None:
                        raise Decline
                    name = f"{prefix}:{local}"
                merged[name.lower()] = value
        return [(k, v.lower() if k in ("rel", "type") else v) for k, v in merged.items()]


def _root_version(root: Any, key: str) -> str:
    """feedparser's version as the root element starts (its namespaces are seen first)."""
    found = set()
    for prefix, uri in root.nsmap.items():
        low = uri.lower()
        if prefix is None and low == "http://my.netscape.com/rdf/simple/0.9/":
            found.add("rss090")
        elif low == "http://purl.org/rss/1.0/":
            found.add("rss10")
        elif low == "http://www.w3.org/2005/atom":
            found.add("atom10")
    if len(found) > 1:
        raise Decline  # the first declared wins: order the tree does not keep
    version = found.pop() if found else ""
    atom03 = root.tag == "{http://purl.org/atom/ns#}feed" and root.get("version") == "0.3"
    accepted = (
        key == "rss"
        or (key == "feed" and (version == "atom10" or (atom03 and not version)))
        or (key == "rdf_rdf" and version in ("rss10", "rss090"))
    )
    if not accepted:
        raise Decline
    return version


def _without_doctype(document: bytes) -> bytes:
    """The document as feedparser hands it to expat: ENTITY and DOCTYPE declarations cut out
    of the part up to the first element's "<" (parse_feed has refused any that declare
    entities, so none is put back); a document that starts with an element is left alone."""
    first = _ELEMENT_OR_WORD.search(document)
    end = first.start() + 1 if first and first.start() else 0
    head = _PROLOG_ENTITY.sub(b"", document[:end])
    return _PROLOG_DOCTYPE.sub(b"", head) + document[end:]


def _expat_accepts(document: bytes, doctype: bool) -> bool:
    """Whether feedparser's strict parser (expat, namespaces on) takes the document.

    libxml2 and expat disagree at the edges (XML 1.0 fifth-edition name characters, undefined
    entities in attribute values under a DOCTYPE...); where expat refuses, feedparser uses its
    lenient parser, whose results differ. Expat in C with no handlers costs ~2 ms per MB.
    """
    data = _without_doctype(document) if doctype else document  # what feedparser parses
    parser = xml.parsers.expat.ParserCreate(None, " ")
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        return False
    return True


def _replay(document: bytes, root: Any) -> Core:
    info = root.getroottree().docinfo
    if info.xml_version != "1.0" or not _expat_accepts(document, bool(info.doctype)):
        raise Decline
    # feedparser cuts the DOCTYPE out before parsing (an RSS 0.91 one also sets the version);
    # one with an internal subset is cut badly and sends it to its lenient parser.
    # Under a DOCTYPE, parsers may skip undefined entities (&nbsp;), each its own way.
    if info.doctype and (
        root.tag != "rss" or _SUBSET.search(_prolog(document)) or _NAMED_REF.search(document)
    ):
        raise Decline
    namespaces = _Namespaces(root)
    names = namespaces.names()
    version = _root_version(root, names(root.tag)[0])
    core = Core(version, _HANDLERS, names, namespaces.attrs_of)
    core.walk(root)
    core.parse_odd_dates()
    return core


def parse_xml_feed_fast(document: bytes, url: str) -> Feed | None:
    """The Feed feedparser's path (xmlfeed.parse_xml_feed_slow) gives, or None to decline."""
    try:
        root = lxml.etree.fromstring(document, _parser())
    except (lxml.etree.XMLSyntaxError, ValueError):
        return None  # not well-formed: feedparser's lenient parser has its own ideas
    try:
        core = _replay(document, root)
        feed = build_feed(core.version, core.feeddata, core.entries, url)
    except Exception:
        # Decline, or anything unforeseen (a feedparser release that reads the odd dates
        # differently, say): a feed must never fail here that feedparser.parse would read.
        return None
    return feed if feed.items else None  # no items: feedparser knows whether that is an error
