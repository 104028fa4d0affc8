"""Decode a feed or OPML document to text, whatever its label says.

Chinese feeds are often mislabelled: GBK bytes served as ``charset=utf-8``, UTF-8 bytes under an
``encoding="gb2312"`` declaration. The order below follows which evidence is strongest:

1. a byte order mark;
2. strict UTF-8: bytes that are not UTF-8 almost never decode as UTF-8 by accident, so this
   beats any label (it is what catches UTF-8 labelled gbk/gb2312/latin-1);
3. the declared charsets (HTTP header, then XML declaration), decoded strictly, GB2312/GBK read
   as GB18030 (their superset) and Big5 as Big5-HKSCS;
4. detection (charset_normalizer) among the CJK encodings and Windows-1252, then among all.

Feeds are then handed on as UTF-8 with a declaration that says so, so that no later parser can
decode them a second, different way.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels that name a subset of a codec Python has: decode with the superset, so that a GB2312
# feed using one GBK character, or a Big5 feed using an HKSCS one, still decodes strictly.
_SUPERSETS: dict[str, tuple[str, ...]] = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "gb18030": ("gb18030",),
    "hz": ("hz", "gb18030"),
    "big5": ("big5hkscs", "cp950"),
    "big5hkscs": ("big5hkscs", "cp950"),
    "cp950": ("cp950", "big5hkscs"),
    "iso8859_1": ("cp1252", "latin-1"),  # as browsers do: ISO-8859-1 labels mean Windows-1252
    "ascii": ("cp1252", "latin-1"),
}

# Web labels Python's codec registry does not know (from the WHATWG Encoding Standard).
_WEB_ALIASES = {
    "x-gbk": "gbk",
    "windows-936": "gbk",
    "gb_2312-80": "gb2312",
    "csgb2312": "gb2312",
    "iso-ir-58": "gb2312",
    "x-gb18030": "gb18030",
    "x-x-big5": "big5",
    "cn-big5": "big5",
    "x-big5": "big5",
}

# Detection candidates when the labels fail: what Chinese news feeds actually use.
_DETECT_FIRST = ["gb18030", "big5hkscs", "cp1252"]

_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.I)
_XML_DECL_ENCODING = re.compile(
    rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)["']"""
)
_XML_DECL = re.compile(r"^<\?xml\b.*?\?>", re.S)


def declared_charsets(data: bytes, content_type: str | None) -> list[str]:
    """Charset labels in the order they count: HTTP header first, then the XML declaration."""
    labels: list[str] = []
    header = _CHARSET_PARAM.search(content_type) if content_type else None
    if header:
        labels.append(header.group(1))
    declaration = _XML_DECL_ENCODING.match(data[:512])
    if declaration:
        labels.append(declaration.group(1).decode("ascii"))
    return labels


def _codecs_for(label: str) -> tuple[str, ...]:
    try:
        name = codecs.lookup(_WEB_ALIASES.get(label.lower(), label)).name
    except LookupError:  # an unknown label is no evidence at all
        return ()
    return _SUPERSETS.get(name.replace("-", "_"), (name,))


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_document(data: bytes, content_type: str | None = None) -> str:
    """The document as text (see the module docstring for the order of evidence)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], codec)
            if text is not None:
                return text
            break
    text = _strict(data, "utf-8")
    if text is not None:
        return text
    for label in declared_charsets(data, content_type):
        for codec in _codecs_for(label):
            text = _strict(data, codec)
            if text is not None:
                return text
    for isolation in (_DETECT_FIRST, None):
        best = charset_normalizer.from_bytes(data, cp_isolation=isolation).best()
        if best is not None:
            return str(best)
    # Nothing fits: keep what UTF-8 can read rather than fail; the parser decides if it is a feed.
    return data.decode("utf-8", "replace")


def as_utf8_xml(text: str) -> bytes:
    """UTF-8 bytes whose XML declaration (if any) says UTF-8.

    Leading white space and a decoded BOM go too: before a declaration they make the document
    not well-formed, which would push feedparser onto its much slower lenient parser.
    """
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith("<?xml"):
        text = _XML_DECL.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    return text.encode("utf-8", "replace")
