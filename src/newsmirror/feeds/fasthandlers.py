"""feedparser's handlers for feeds, channels, items and people, as the fast path replays them.

Each is a line-by-line port of feedparser 6's handler of the same name (namespaces/_base.py,
mixin.py) on plain dicts; fasttables maps element names (``dc_creator`` is <dc:creator>) to
them. Elements with any other feedparser handler (georss, psc, creativeCommons, ...) make the
fast path decline. feedparser's odd corners are kept on purpose: xmlmap reads their results.
"""

from __future__ import annotations

import re
from typing import Any

from newsmirror.feeds.fastcore import Attrs, Core, Decline

_EMAIL = re.compile(
    r"(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"
    r"([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"
)
_RSS_VERSIONS = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}
_ATOM_VERSIONS = {"0.1": "atom01", "0.2": "atom02", "0.3": "atom03"}


def expecting(p: Core) -> int:
    return p.infeed or p.inentry or p.insource


def _cdf_common(attrs: Attrs) -> None:
    if "lastmod" in attrs or "href" in attrs:  # CDF channels: not replayed
        raise Decline


def enforce_href(attrs: Attrs) -> Attrs:
    href = attrs.get("url", attrs.get("uri", attrs.get("href")))
    if href:
        attrs.pop("url", None)
        attrs.pop("uri", None)
        attrs["href"] = href
    return attrs


# --- feed, channel, item -------------------------------------------------------------------


def start_rss(p: Core, attrs: Attrs) -> None:
    if not p.version or not p.version.startswith("rss"):
        given = attrs.get("version", "")
        p.version = _RSS_VERSIONS.get(given) or ("rss20" if given.startswith("2.") else "rss")


def start_channel(p: Core, attrs: Attrs) -> None:
    p.infeed = 1
    _cdf_common(attrs)


def start_feed(p: Core, attrs: Attrs) -> None:
    p.infeed = 1
    if not p.version:
        p.version = _ATOM_VERSIONS.get(attrs.get("version", "")) or "atom"


def end_channel(p: Core) -> None:
    p.infeed = 0


def start_item(p: Core, attrs: Attrs) -> None:
    p.entries.append({})
    p.depths = {}
    p.push("item", 0)
    p.inentry = 1
    p.guidislink = False
    p.title_depth = -1
    about = attrs.get("rdf:about")  # RSS 1.0: the item's URI is its id
    if about:
        p.context()["id"] = about
    _cdf_common(attrs)


def end_item(p: Core) -> None:
    p.pop("item")
    p.inentry = 0
    p.has_content = 0


def start_image(p: Core, attrs: Attrs) -> None:
    context = p.context()
    if not p.inentry:
        context.setdefault("image", {})
    p.inimage = 1
    p.title_depth = -1
    p.push("image", 0)


def end_image(p: Core) -> None:
    p.pop("image")
    p.inimage = 0


def start_textinput(p: Core, attrs: Attrs) -> None:
    p.context().setdefault("textinput", {})
    p.intextinput = 1
    p.title_depth = -1
    p.push("textinput", 0)


def end_textinput(p: Core) -> None:
    p.pop("textinput")
    p.intextinput = 0


def start_source(p: Core, attrs: Attrs) -> None:
    if "url" in attrs:
        p.sourcedata["href"] = attrs["url"]
    p.push("source", 1)
    p.insource = 1
    p.title_depth = -1


def end_source(p: Core) -> None:
    p.insource = 0
    value = p.pop("source")
    if value:
        p.sourcedata["title"] = value
    p.context()["source"] = p.sourcedata
    p.sourcedata = {}


# --- people --------------------------------------------------------------------------------


def start_author(p: Core, attrs: Attrs) -> None:
    p.inauthor = 1
    p.push("author", 1)
    p.context().setdefault("authors", []).append({})


def end_author(p: Core) -> None:
    p.pop("author")
    p.inauthor = 0
    _sync_author_detail(p)


def _sync_author_detail(p: Core, key: str = "author") -> None:
    context = p.context()
    detail: dict[str, Any] = context.get(key + "s", [{}])[-1]
    if detail:
        name, email = detail.get("name"), detail.get("email")
        if name and email:
            context[key] = f"{name} ({email})"
        elif name:
            context[key] = name
        elif email:
            context[key] = email
        return
    author, email = context.get(key), None
    if not author:
        return
    match = _EMAIL.search(author)
    if match:
        email = match.group(0)
        author = author.replace(email, "").replace("()", "").replace("<>", "")
        author = author.replace("&lt;&gt;", "").strip()
        if author and author[0] == "(":
            author = author[1:]
        if author and author[-1] == ")":
            author = author[:-1]
        author = author.strip()
    if author or email:
        context.setdefault(key + "_detail", detail)
    if author:
        detail["name"] = author
    if email:
        detail["email"] = email


def _save_author(p: Core, key: str, value: Any, prefix: str = "author") -> None:
    context = p.context()
    context.setdefault(prefix + "_detail", {})[key] = value
    _sync_author_detail(p)  # sic: "author" even for the publisher, as in feedparser
    context.setdefault("authors", [{}])[-1][key] = value


def _save_contributor(p: Core, key: str, value: Any) -> None:
    p.context().setdefault("contributors", [{}])[-1][key] = value


def start_contributor(p: Core, attrs: Attrs) -> None:
    p.incontributor = 1
    p.context().setdefault("contributors", []).append({})
    p.push("contributor", 0)


def end_contributor(p: Core) -> None:
    p.pop("contributor")
    p.incontributor = 0


def start_dc_contributor(p: Core, attrs: Attrs) -> None:
    p.incontributor = 1
    p.context().setdefault("contributors", []).append({})
    p.push("name", 0)


def end_dc_contributor(p: Core) -> None:
    end_name(p)
    p.incontributor = 0


def end_name(p: Core) -> None:
    value = p.pop("name")
    if p.inpublisher:
        _save_author(p, "name", value, "publisher")
    elif p.inauthor:
        _save_author(p, "name", value)
    elif p.incontributor:
        _save_contributor(p, "name", value)
    elif p.intextinput:
        p.context()["name"] = value


def end_email(p: Core) -> None:
    value = p.pop("email")
    if p.inpublisher:
        _save_author(p, "email", value, "publisher")
    elif p.inauthor:
        _save_author(p, "email", value)
    elif p.incontributor:
        _save_contributor(p, "email", value)


def end_url(p: Core) -> None:
    value = p.pop("href")
    if p.inauthor:
        _save_author(p, "href", value)
    elif p.incontributor:
        _save_contributor(p, "href", value)


def end_publisher(p: Core) -> None:  # end_webmaster
    p.pop("publisher")
    _sync_author_detail(p, "publisher")


def start_itunes_owner(p: Core, attrs: Attrs) -> None:
    p.inpublisher = 1
    p.push("publisher", 0)


def end_itunes_owner(p: Core) -> None:
    p.pop("publisher")
    p.inpublisher = 0
    _sync_author_detail(p, "publisher")
