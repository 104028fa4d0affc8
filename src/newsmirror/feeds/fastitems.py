"""feedparser's handlers for text, content, links, dates, categories, Media RSS and iTunes.

As in fasthandlers: ports of feedparser 6's handlers of the same names, quirks kept.
"""

from __future__ import annotations

from newsmirror.feeds import fasthandlers as h
from newsmirror.feeds.fastcore import Attrs, Core, Decline, End, Start
from newsmirror.feeds.fastvalues import XHTML, OddDate, map_content_type, parse_date, urljoin

_HTML_TYPES = frozenset({"application/xhtml+xml", "text/html"})
_SUMMARY_TYPES = frozenset({"text/plain", "text/html", XHTML})
_MRSS_SCHEME = "http://search.yahoo.com/mrss/category_schema"
ITUNES = "http://www.itunes.com/"


# --- titles, summaries, content ------------------------------------------------------------


def start_title(p: Core, attrs: Attrs) -> None:
    p.push_content("title", attrs, "text/plain", h.expecting(p))


def end_title(p: Core) -> None:
    value = p.pop_content("title")
    if value:
        p.title_depth = p.depth  # later titles no deeper than this one are ignored


def end_media_title(p: Core) -> None:
    depth = p.title_depth
    end_title(p)
    p.title_depth = depth


def start_description(p: Core, attrs: Attrs) -> None:
    # A second summary-like element without content:encoded before it becomes content.
    if "summary" in p.context() and not p.has_content:
        p.summary_key = "content"
        start_content(p, attrs)
    else:
        p.push_content("description", attrs, "text/html", h.expecting(p))


def start_abstract(p: Core, attrs: Attrs) -> None:
    p.push_content("description", attrs, "text/plain", h.expecting(p))


def end_description(p: Core) -> None:
    if p.summary_key == "content":
        end_content(p)
    else:
        p.pop_content("description")
    p.summary_key = None


def start_summary(p: Core, attrs: Attrs) -> None:
    if "summary" in p.context() and not p.has_content:
        p.summary_key = "content"
        start_content(p, attrs)
    else:
        p.summary_key = "summary"
        p.push_content("summary", attrs, "text/plain", 1)


def end_summary(p: Core) -> None:
    if p.summary_key == "content":
        end_content(p)
    else:
        p.pop_content(p.summary_key or "summary")
    p.summary_key = None


def start_content(p: Core, attrs: Attrs) -> None:
    p.has_content = 1
    p.push_content("content", attrs, "text/plain", 1)
    p.push("content", 1)  # sic: pushed twice, the first one stays on the stack


def start_body(p: Core, attrs: Attrs) -> None:
    p.push_content("content", attrs, XHTML, 1)


def start_content_encoded(p: Core, attrs: Attrs) -> None:
    p.has_content = 1
    p.push_content("content", attrs, "text/html", 1)


def end_content(p: Core) -> None:
    kind = p.contentparams.get("type")
    if kind is None:  # feedparser would take its AttributeError path here
        raise Decline
    copy_to_summary = map_content_type(kind) in _SUMMARY_TYPES
    value = p.pop_content("content")
    if copy_to_summary:
        p.save("summary", value)


def content_like(tag: str) -> tuple[Start, End]:
    """subtitle, rights, info: text with a type, stored and never read by newsmirror."""

    def start(p: Core, attrs: Attrs) -> None:
        p.push_content(tag, attrs, "text/plain", 1)

    def end(p: Core) -> None:
        p.pop_content(tag)

    return start, end


# --- links, ids, dates ---------------------------------------------------------------------


def start_link(p: Core, attrs: Attrs) -> None:
    attrs.setdefault("rel", "alternate")
    attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
    context = p.context()
    attrs = h.enforce_href(attrs)
    if "href" in attrs:
        attrs["href"] = urljoin(p.baseuri or "", attrs["href"])
    expecting = h.expecting(p)
    context.setdefault("links", [])
    if not (p.inentry and p.inimage):
        context["links"].append(attrs)
    if "href" not in attrs:
        p.push("link", expecting)
    elif attrs.get("rel") == "alternate" and map_content_type(attrs["type"]) in _HTML_TYPES:
        context["link"] = attrs["href"]


def start_guid(p: Core, attrs: Attrs) -> None:
    p.guidislink = attrs.get("ispermalink", "true") == "true"
    p.push("id", 1)


def end_guid(p: Core) -> None:
    value = p.pop("id")
    p.save("guidislink", p.guidislink and "link" not in p.context())
    if p.guidislink:
        p.save("link", value)  # the guid stands in for a missing link


def date_handlers(key: str, parse: bool = True) -> tuple[Start, End]:
    def start(p: Core, attrs: Attrs) -> None:
        p.push(key, 1)

    def end(p: Core) -> None:
        value = p.pop(key)
        # Only items' published and updated dates are read (xmlmap): the (costly) parse of
        # the others (created, expired, the channel's own) is skipped.
        read = parse and p.inentry and p.context() is p.entries[-1]
        parsed = parse_date(value) if read else None
        p.save(key + "_parsed", parsed, overwrite=True)
        if isinstance(parsed, OddDate):  # parsed by feedparser once the walk is over
            p.odd_dates.append((p.context(), key + "_parsed", parsed))

    return start, end


# --- categories ----------------------------------------------------------------------------


def _add_tag(p: Core, term: str | None, scheme: str | None, label: str | None) -> None:
    tags = p.context().setdefault("tags", [])
    if not term and not scheme and not label:
        return
    value = {"term": term, "scheme": scheme, "label": label}
    if value not in tags:
        tags.append(value)


def start_category(p: Core, attrs: Attrs) -> None:
    scheme = attrs.get("scheme", attrs.get("domain"))
    _add_tag(p, attrs.get("term"), scheme, attrs.get("label"))
    p.push("category", 1)


def start_media_category(p: Core, attrs: Attrs) -> None:
    attrs.setdefault("scheme", _MRSS_SCHEME)
    start_category(p, attrs)


def start_itunes_category(p: Core, attrs: Attrs) -> None:
    _add_tag(p, attrs.get("text"), ITUNES, None)
    p.push("category", 1)


def end_category(p: Core) -> None:
    value = p.pop("category")
    if not value:
        return
    tags = p.context()["tags"]
    if tags and not tags[-1]["term"]:
        tags[-1]["term"] = value  # <category domain="...">term</category>
    else:
        _add_tag(p, value, None, None)


def keywords_end(key: str, scheme: str | None, skip_blank: bool) -> End:
    def end(p: Core) -> None:
        value = p.pop(key)
        if value is None:  # feedparser: AttributeError on None.split, then a no-op pop
            return
        for term in value.split(","):
            if term.strip() or not skip_blank:
                _add_tag(p, term.strip(), scheme, None)

    return end


# --- Media RSS, iTunes and the rest --------------------------------------------------------


def start_enclosure(p: Core, attrs: Attrs) -> None:
    attrs = h.enforce_href(attrs)
    context = p.context()
    attrs["rel"] = "enclosure"
    context.setdefault("links", []).append(attrs)


def start_media_content(p: Core, attrs: Attrs) -> None:
    p.context().setdefault("media_content", []).append(attrs)


def start_media_thumbnail(p: Core, attrs: Attrs) -> None:
    context = p.context()
    context.setdefault("media_thumbnail", [])
    p.push("url", 1)
    context["media_thumbnail"].append(attrs)


def end_media_thumbnail(p: Core) -> None:
    url = p.pop("url")
    context = p.context()
    if url is not None and url.strip() and "url" not in context["media_thumbnail"][-1]:
        context["media_thumbnail"][-1]["url"] = url


def media_detail(key: str, pushed: str, listed: bool) -> tuple[Start, End]:
    """media:rating, credit, restriction, license: attributes kept, text under "content"."""

    def start(p: Core, attrs: Attrs) -> None:
        context = p.context()
        if listed:
            context.setdefault(key, []).append(attrs)
        else:
            context.setdefault(key, attrs)
        p.push(pushed, 1)

    def end(p: Core) -> None:
        value = p.pop(pushed)
        if value is not None and value.strip():
            target = p.context()[key]
            (target[-1] if listed else target)["content"] = value

    return start, end


def start_itunes_image(p: Core, attrs: Attrs) -> None:
    p.push("itunes_image", 0)
    href = attrs.get("href") or attrs.get("url")
    if href:  # the "image" key decides where a channel <image>'s children go
        p.context()["image"] = {"href": href}


def start_generator(p: Core, attrs: Attrs) -> None:
    if attrs:
        attrs = h.enforce_href(attrs)
        if "href" in attrs:
            attrs["href"] = urljoin(p.baseuri or "", attrs["href"])
    p.context()["generator_detail"] = attrs
    p.push("generator", 1)
