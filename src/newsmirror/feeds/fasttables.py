"""Which ported handler runs for which element: feedparser 6's names and aliases.

An element whose name is not here but has a feedparser handler makes the fast path decline
(fastrules.HANDLED_STARTS / HANDLED_ENDS); one feedparser has no handler for is stored as
feedparser does.
"""

from __future__ import annotations

from collections.abc import Callable

from newsmirror.feeds import fasthandlers as h
from newsmirror.feeds import fastitems as i
from newsmirror.feeds.fastcore import Attrs, Core, Decline, End, Start


def _pusher(key: str, expecting: int = 1) -> Start:
    def start(p: Core, attrs: Attrs) -> None:
        p.push(key, expecting)

    return start


def _popper(key: str) -> End:
    def end(p: Core) -> None:
        p.pop(key)

    return end


def _end_itunes_flag(key: str) -> End:
    """itunes:block and itunes:explicit: kept unstripped under their own (unread) key."""

    def end(p: Core) -> None:
        p.pop(key, strip_whitespace=False)
        p.context()[key] = None

    return end


def _end_size(key: str) -> End:
    def end(p: Core) -> None:
        if p.pop(key) is None:  # feedparser's int(None) would raise out of the parser
            raise Decline

    return end


def _start_media_player(p: Core, attrs: Attrs) -> None:
    p.push("media_player", 0)
    p.context()["media_player"] = attrs


def _end_media_player(p: Core) -> None:
    value = p.pop("media_player")
    p.context()["media_player"]["content"] = value


def _ignore(p: Core, attrs: Attrs) -> None:
    """media:group and cloud: nothing newsmirror reads, and nothing pushed."""


def _fill(table: dict[str, Callable[..., None]], names: str, handler: Callable[..., None]) -> None:
    for name in names.split():
        table[name] = handler


def _structure(s: dict[str, Start], e: dict[str, End]) -> None:
    _fill(s, "rss", h.start_rss)
    _fill(s, "channel", h.start_channel)
    _fill(s, "feed", h.start_feed)
    _fill(e, "channel feed", h.end_channel)
    _fill(s, "item entry", h.start_item)
    _fill(e, "item entry", h.end_item)
    _fill(s, "image", h.start_image)
    _fill(e, "image", h.end_image)
    _fill(s, "textinput", h.start_textinput)
    _fill(e, "textinput", h.end_textinput)
    _fill(s, "source", h.start_source)
    _fill(e, "source", h.end_source)
    authors = "author managingeditor dc_author dc_creator itunes_author"
    _fill(s, authors, h.start_author)
    _fill(e, authors, h.end_author)
    _fill(s, "contributor", h.start_contributor)
    _fill(e, "contributor", h.end_contributor)
    _fill(s, "dc_contributor", h.start_dc_contributor)
    _fill(e, "dc_contributor", h.end_dc_contributor)
    _fill(s, "itunes_owner", h.start_itunes_owner)
    _fill(e, "itunes_owner", h.end_itunes_owner)
    _fill(s, "name itunes_name", _pusher("name", 0))
    _fill(e, "name itunes_name", h.end_name)
    _fill(s, "email itunes_email", _pusher("email", 0))
    _fill(e, "email itunes_email", h.end_email)
    _fill(s, "url homepage uri", _pusher("href"))
    _fill(e, "url homepage uri", h.end_url)
    _fill(s, "webmaster dc_publisher", _pusher("publisher"))
    _fill(e, "webmaster dc_publisher", h.end_publisher)


def _text(s: dict[str, Start], e: dict[str, End]) -> None:
    _fill(s, "title dc_title media_title", i.start_title)
    _fill(e, "title dc_title", i.end_title)
    _fill(e, "media_title", i.end_media_title)
    _fill(s, "description dc_description media_description", i.start_description)
    _fill(s, "abstract", i.start_abstract)
    _fill(e, "description abstract dc_description media_description", i.end_description)
    _fill(s, "summary itunes_summary", i.start_summary)
    _fill(e, "summary itunes_summary", i.end_summary)
    _fill(s, "content", i.start_content)
    _fill(s, "body xhtml_body", i.start_body)
    _fill(s, "content_encoded fullitem", i.start_content_encoded)
    _fill(e, "content body xhtml_body content_encoded fullitem", i.end_content)
    for names, tag in (
        ("subtitle tagline itunes_subtitle", "subtitle"),
        ("rights copyright dc_rights", "rights"),
        ("info feedburner_browserfriendly", "info"),
    ):
        start, end = i.content_like(tag)
        _fill(s, names, start)
        _fill(e, names, end)
    _fill(s, "link", i.start_link)
    _fill(e, "link", _popper("link"))
    _fill(s, "guid id", i.start_guid)
    _fill(e, "guid id", i.end_guid)
    for names, key, parse in (
        ("published issued pubdate dcterms_issued", "published", True),
        ("updated modified lastbuilddate dc_date dcterms_modified", "updated", True),
        ("created dcterms_created", "created", False),
        ("expirationdate", "expired", False),
    ):
        start, end = i.date_handlers(key, parse)
        _fill(s, names, start)
        _fill(e, names, end)


def _extensions(s: dict[str, Start], e: dict[str, End]) -> None:
    _fill(s, "category keywords dc_subject", i.start_category)
    _fill(s, "media_category", i.start_media_category)
    _fill(s, "itunes_category", i.start_itunes_category)
    _fill(e, "category keywords dc_subject media_category itunes_category", i.end_category)
    _fill(s, "tags", _pusher("tags"))
    _fill(e, "tags", i.keywords_end("tags", None, skip_blank=False))
    _fill(e, "media_keywords", i.keywords_end("media_keywords", None, skip_blank=True))
    _fill(e, "itunes_keywords", i.keywords_end("itunes_keywords", i.ITUNES, skip_blank=True))
    _fill(s, "enclosure", i.start_enclosure)
    _fill(s, "media_content", i.start_media_content)
    _fill(s, "media_thumbnail", i.start_media_thumbnail)
    _fill(e, "media_thumbnail", i.end_media_thumbnail)
    for key, pushed, listed in (
        ("media_rating", "rating", False),
        ("media_credit", "credit", True),
        ("media_restriction", "restriction", False),
        ("media_license", "license", False),
    ):
        start, end = i.media_detail(key, pushed, listed)
        _fill(s, key, start)
        _fill(e, key, end)
    _fill(s, "media_player", _start_media_player)
    _fill(e, "media_player", _end_media_player)
    _fill(s, "media_group cloud", _ignore)
    _fill(s, "itunes_image itunes_link", i.start_itunes_image)
    _fill(e, "itunes_block", _end_itunes_flag("itunes_block"))
    _fill(e, "itunes_explicit", _end_itunes_flag("itunes_explicit"))
    _fill(s, "generator", i.start_generator)
    _fill(e, "generator", _popper("generator"))
    _fill(s, "language dc_language", _pusher("language"))
    _fill(e, "language dc_language", _popper("language"))
    _fill(s, "newlocation", _pusher("newlocation"))
    _fill(e, "newlocation", _popper("newlocation"))
    for key in ("width", "height"):
        _fill(s, key, _pusher(key, 0))
        _fill(e, key, _end_size(key))


def tables() -> tuple[dict[str, Start], dict[str, End]]:
    """(start, end) handlers by feedparser element name."""
    starts: dict[str, Start] = {}
    ends: dict[str, End] = {}
    for part in (_structure, _text, _extensions):
        part(starts, ends)
    return starts, ends
