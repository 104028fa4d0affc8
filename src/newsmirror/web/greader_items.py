"""The Google Reader API's shapes: stream and item ids, items as JSON, and streams as Atom
(newsboat's Google Reader client reads Atom from ``/reader/atom/``)."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urljoin

from lxml import etree

from newsmirror.accounts.model import Item, Selection
from newsmirror.archive.library import Library
from newsmirror.render import paths
from newsmirror.render.feed_writers import ATOM_NS
from newsmirror.text.xml import xml_text
from newsmirror.web.form import BadRequest
from newsmirror.web.reading import Entry, ItemsJson

ITEM_PREFIX = "tag:google.com,2005:reader/item/"
STATE = "user/-/state/com.google/"
READING_LIST, READ, STARRED = STATE + "reading-list", STATE + "read", STATE + "starred"
KEPT_UNREAD = (STATE + "kept-unread", STATE + "tracking-kept-unread")
LABEL = "user/-/label/"
GR_NS = "http://www.google.com/schemas/reader/atom/"
MOST_ID = 2**63 - 1


def long_id(item: int) -> str:
    return f"{ITEM_PREFIX}{item:016x}"


def item_id(text: str) -> int:
    """An item id in any of the API's three forms: the long tag, 16 hex digits, or decimal."""
    text = text.strip()
    try:
        if text.startswith(ITEM_PREFIX):
            hex_part = text[len(ITEM_PREFIX) :]
            if not re.fullmatch(r"[0-9a-fA-F]{1,16}", hex_part):
                raise ValueError
            value = int(hex_part, 16)
        elif re.fullmatch(r"[0-9a-fA-F]{16}", text):
            value = int(text, 16)
        elif re.fullmatch(r"-?[0-9]{1,20}", text):
            value = int(text)
        else:
            raise ValueError
    except ValueError:
        raise BadRequest(f"i: {text[:80]!r} is not an item id") from None
    if not 0 < value <= MOST_ID:
        raise BadRequest(f"i: {text[:80]!r} is not an item id")
    return value


def groups(library: Library) -> dict[str, str]:
    """The group (folder) of each source that has one."""
    return {s.abbr: s.group for s in library.archive.settings.sources if s.group}


def stream(library: Library, stream_id: str) -> Selection:
    """What a stream id selects (without paging or filters)."""
    stream_id = re.sub(r"^user/[^/]*/", "user/-/", stream_id.strip())
    if stream_id in ("", READING_LIST):
        return Selection()
    if stream_id == STARRED:
        return Selection(starred=True)
    if stream_id == READ:
        return Selection(read=True)
    if stream_id.startswith("feed/"):
        abbr = stream_id.removeprefix("feed/")
        if not library.knows_source(abbr):
            raise BadRequest(f"s: no feed {abbr[:80]!r}; see subscription/list", 404)
        return Selection(sources=(abbr,))
    if stream_id.startswith(LABEL):
        label = stream_id.removeprefix(LABEL)
        sources = tuple(abbr for abbr, group in groups(library).items() if group == label)
        if not sources:
            raise BadRequest(f"s: no folder {label[:80]!r}; see tag/list", 404)
        return Selection(sources=sources)
    raise BadRequest(f"s: {stream_id[:80]!r} is not a stream this server has", 404)


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")


def site_links(library: Library, site: str, abbr: str) -> tuple[str, str]:
    """(feed URL, page URL) of a source on this server."""
    page = urljoin(site, paths.source_page(abbr))
    return urljoin(site, paths.feed_file(abbr, "atom.xml")), page


def tags(item: Item, folder: str | None) -> list[str]:
    """The item's categories: the reading list, its folder, read and starred."""
    found = [READING_LIST, *([LABEL + folder] if folder else [])]
    return found + [READ] * item.read + [STARRED] * item.starred


def _json(value: object) -> str:
    """JSON as Starlette's JSONResponse writes it."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def json_bytes(value: object) -> bytes:
    return _json(value).encode()


def _members(value: dict[str, Any]) -> bytes:
    """A JSON object's members, without its braces, in UTF-8."""
    return _json(value)[1:-1].encode()


def answer_json(fields: dict[str, Any], items: Sequence[bytes], after: dict[str, Any]) -> bytes:
    """``fields``, then ``"items"`` (each already JSON), then ``after``, as one JSON object:
    the bytes JSONResponse gives, without encoding every item's body once more."""
    parts = [_members(fields), b'"items":[' + b",".join(items) + b"]"]
    parts += [_members(after)] if after else []
    return b"{" + b",".join(parts) + b"}"


def items_json(
    entries: Sequence[Entry], library: Library, site: str, made: ItemsJson
) -> list[bytes]:
    """Items as the API gives them, as JSON; what belongs to a source is made once per source,
    and an article revision's own fields (title, links, body) once (kept in ``made``)."""
    folders = groups(library)
    origins = {
        source: json_bytes(
            {
                "streamId": f"feed/{source}",
                "title": library.name(source),
                "htmlUrl": site_links(library, site, source)[1],
            }
        )
        for source in {e.item.source for e in entries}
    }
    return [
        _item_json(e, origins[e.item.source], folders.get(e.item.source), made) for e in entries
    ]


@functools.cache
def _categories(folder: str | None, read: bool, starred: bool) -> bytes:
    """An item's categories as JSON (few differ: each made once)."""
    return json_bytes(tags(Item(0, "", "", 0, read, starred), folder))


def _item_json(entry: Entry, origin: bytes, folder: str | None, made: ItemsJson) -> bytes:
    f, item = entry.feed, entry.item
    key = entry.shelved.id, entry.shelved.rev
    own = made.get(key)
    if own is None:
        links = {
            "title": f.title,
            "canonical": [{"href": f.original_url or f.link}],
            "alternate": [{"href": f.link, "type": "text/html"}],
        }
        body = {"summary": {"direction": "ltr", "content": f.content_html}}
        own = made[key] = _members(links), _members(body | {"author": ", ".join(f.authors)})
    times = (
        f'{{"id":"{long_id(item.id)}","crawlTimeMsec":"{item.time_ms}",'
        f'"timestampUsec":"{item.time_ms * 1000}","published":{f.published_ms // 1000},'
        f'"updated":{f.updated_ms // 1000},'
    )
    categories = b',"categories":' + _categories(folder, item.read, item.starred)
    return b"".join((times.encode(), own[0], categories, b',"origin":', origin, b",", own[1], b"}"))


def atom_stream(
    stream_id: str, title: str, home_url: str, entries: Sequence[Entry], folders: dict[str, str]
) -> bytes:
    """A stream as Atom, entries with their Google Reader ids and read/starred categories."""
    a, gr = f"{{{ATOM_NS}}}", f"{{{GR_NS}}}"
    namespaces = {None: ATOM_NS, "gr": GR_NS}
    feed = etree.Element(a + "feed", nsmap=namespaces)  # type: ignore[arg-type]

    def sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> None:
        etree.SubElement(parent, tag, attrib).text = None if text is None else xml_text(text)

    sub(feed, a + "id", "tag:google.com,2005:reader/" + quote(stream_id, safe="/-"))
    sub(feed, a + "title", title)
    sub(feed, a + "updated", iso(max((e.feed.updated_ms for e in entries), default=0)))
    sub(feed, a + "link", rel="alternate", type="text/html", href=xml_text(home_url))
    for e in entries:
        entry = etree.SubElement(
            feed, a + "entry", {gr + "crawl-timestamp-msec": str(e.item.time_ms)}
        )
        sub(entry, a + "id", long_id(e.item.id))
        sub(entry, a + "title", e.feed.title)
        sub(entry, a + "published", iso(e.feed.published_ms))
        sub(entry, a + "updated", iso(e.feed.updated_ms))
        sub(entry, a + "link", rel="alternate", type="text/html", href=xml_text(e.feed.link))
        terms = [
            READING_LIST,
            *([LABEL + folders[e.item.source]] if e.item.source in folders else []),
        ]
        terms += [READ] if e.item.read else []
        terms += [STARRED] if e.item.starred else []
        for term in terms:
            sub(entry, a + "category", term=term, label=term.rsplit("/", 1)[-1])
        author = etree.SubElement(entry, a + "author")
        sub(author, a + "name", ", ".join(e.feed.authors) or title)
        sub(entry, a + "content", e.feed.content_html, type="html")
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8")
