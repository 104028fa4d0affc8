"""Feed autodiscovery: the feeds a web page links to with <link rel="alternate" type=...>."""

from __future__ import annotations

import re

import lxml.etree  # type: ignore[import-untyped,unused-ignore]  # lxml-stubs is optional
import lxml.html  # type: ignore[import-untyped,unused-ignore]

from newsmirror.feeds.text import resolve_url

# Best first: RSS and Atom are what every site's main feed uses; application/json is last
# because WordPress also labels its REST API that way.
_FEED_TYPES = {
    "application/rss+xml": 0,
    "application/atom+xml": 0,
    "application/feed+json": 1,
    "application/json": 2,
}
_XML_DECL = re.compile(r"^\s*<\?xml\b.*?\?>", re.S)


def _parse_html(html: bytes) -> lxml.html.HtmlElement | None:
    # libxml2's HTML parser neither loads DTDs nor expands declared entities (an internal subset
    # ends up as text); no_network keeps it off the network whatever the document says.
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        text = html.decode("utf-8")
    except UnicodeDecodeError:
        source: str | bytes = html  # not UTF-8: libxml2 follows the page's <meta charset>
    else:
        source = _XML_DECL.sub("", text, count=1)  # lxml refuses str with an encoding declaration
    try:
        return lxml.html.document_fromstring(source, parser=parser)
    except (lxml.etree.ParserError, ValueError):  # empty or nothing but white space
        return None


def discover_feeds(html: bytes, base_url: str) -> list[str]:
    """Feed URLs a page links to, absolute, best first, comment feeds only if nothing else."""
    root = _parse_html(html)
    if root is None:
        return []
    base = base_url
    for element in root.iter("base"):
        base = resolve_url(base_url, element.get("href")) or base_url
        break
    found: list[tuple[int, bool, str]] = []
    # <link> is looked for everywhere, not only in <head>: a malformed head (or a DOCTYPE with
    # an internal subset) makes libxml2 move head elements into <body>.
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";", 1)[0].strip().lower()
        if "alternate" not in rels or kind not in _FEED_TYPES:
            continue
        url = resolve_url(base, link.get("href"))
        if url is None or (kind == "application/json" and "/wp-json/" in url):
            continue
        label = f"{link.get('title') or ''} {url}".lower()
        found.append((_FEED_TYPES[kind], "comments" in label, url))
    if any(not comments for _, comments, _ in found):
        found = [entry for entry in found if not entry[1]]
    # sorted() is stable: within a rank the page's own order (usually the main feed first) holds.
    ordered = sorted(found, key=lambda entry: entry[0])
    return list(dict.fromkeys(url for _, _, url in ordered))
