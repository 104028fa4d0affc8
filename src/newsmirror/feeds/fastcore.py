"""feedparser's parsing state machine (feedparser/mixin.py), driven by an lxml tree.

Why a port and not a fresh mapping: xmlmap was written against feedparser's output, quirks
included (which of two titles wins, when a guid is the link, a second description becoming
content, author names leaking between Atom authors...). Replaying the same state machine on
the same events gives the same output by construction; what makes it fast is everything around
it: libxml2 instead of expat + SAX callbacks, plain dicts instead of FeedParserDict, no deepcopy,
no str.translate over every long text, and nothing kept that newsmirror does not read.

The element handlers are ported in fasthandlers and fastitems (fasttables says which runs for
which element). An element feedparser has any other handler for, or anything whose effect
depends on details not replayed here, raises Decline and feedparser parses the document
instead. Names follow feedparser's so the two can be read side by side.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from newsmirror.feeds import fastvalues as values
from newsmirror.feeds.fastrules import CAN_BE_RELATIVE, HANDLED_ENDS, HANDLED_STARTS, KEYMAP
from newsmirror.feeds.fastvalues import XHTML


class Decline(Exception):
    """The fast path cannot vouch for matching feedparser here: feedparser must parse it."""


Ctx = dict[str, Any]
Attrs = dict[str, str]
Start = Callable[["Core", Attrs], None]
End = Callable[["Core"], None]

# Keys the state machine or xmlmap reads: an unknown element must not overwrite them.
_PROTECTED = frozenset(
    {"id", "link", "links", "guidislink", "title", "title_detail", "content", "summary"}
    | {"summary_detail", "tags", "authors", "author", "author_detail", "contributors"}
    | {"published", "published_parsed", "updated_parsed", "created_parsed", "source"}
    | {"media_content", "media_thumbnail", "media_credit", "media_rating", "media_player"}
    | {"media_restriction", "media_license", "image", "textinput", "generator_detail"}
    | {"publisher", "publisher_detail"}
)
_AMP_REF = re.compile("&([A-Za-z0-9_]+);")
_NOT_TEXTINPUT = ("title", "link", "description", "name")
_NOT_IMAGE = ("title", "link", "description", "url", "href", "width", "height")


class Core:
    """The parser state of feedparser's mixin, and its generic start/end/data/pop."""

    def __init__(
        self,
        version: str,
        handlers: tuple[dict[str, Start], dict[str, End]],
        names: Callable[[str], tuple[str, str, bool]],
        attrs_of: Callable[[Any], list[tuple[str, str]]],
    ) -> None:
        self.version = version  # feedparser's, which decides some rules below ("atom10"...)
        self.starts, self.ends = handlers
        self.names = names  # lxml tag -> (handler key, feedparser's tag, has no prefix)
        self.attrs_of = attrs_of  # element -> attributes as feedparser names and orders them
        self.track_base = False  # no base attribute seen yet: the base URI is "" throughout
        self.feeddata: Ctx = {}
        self.entries: list[Ctx] = []
        self.sourcedata: Ctx = {}
        self.stack: list[list[Any]] = []  # feedparser's elementstack: [name, expecting, pieces]
        self.contentparams: Ctx = {}
        self.depths: dict[str, int] = {}  # property_depth_map of the current entry
        self.baseuri = ""
        self.basestack: list[str] = []
        self.depth = 0
        self.title_depth = -1
        self.infeed = self.inentry = self.incontent = self.insource = 0
        self.inimage = self.intextinput = self.inauthor = self.incontributor = 0
        self.inpublisher = self.has_content = 0
        self.guidislink = False
        self.summary_key: str | None = None
        self.odd_dates: list[tuple[Ctx, str, values.OddDate]] = []  # where each one was saved

    def parse_odd_dates(self) -> None:
        """Put feedparser's parse in place of each odd date still where it was saved."""
        pending = [(c, k, d) for c, k, d in self.odd_dates if c.get(k) is d]
        if not pending:
            return
        distinct = list(dict.fromkeys(d.value for _, _, d in pending))
        parsed = dict(zip(distinct, values.parse_odd_dates(distinct), strict=True))
        for context, key, date in pending:
            context[key] = parsed[date.value]

    # --- events ----------------------------------------------------------------------------

    def walk(self, element: Any) -> None:
        """Replay an element as SAX events: start, text, children with their tails, end."""
        self.start(element)
        if element.text:
            self.data(element.text)
        for child in element:
            if not isinstance(child.tag, str):  # an unexpanded entity reference
                raise Decline
            self.walk(child)
            if child.tail:
                self.data(child.tail)
        self.end(element.tag)

    def start(self, element: Any) -> None:  # unknown_starttag
        key, tag, bare = self.names(element.tag)
        attrs = self.attrs_of(element)
        if not self.track_base and attrs and any(k in ("xml:base", "base") for k, _ in attrs):
            # Until now every base was "" (one per open element: the depth) and nothing needed
            # tracking; from here on feedparser's base stack is replayed.
            self.track_base = True
            self.basestack = [""] * self.depth
        self.depth += 1
        if self.track_base:
            given = dict(attrs)
            base = given.get("xml:base", given.get("base")) or self.baseuri
            if self.baseuri:
                self.baseuri = values.make_safe_absolute_uri(self.baseuri, base) or self.baseuri
            else:
                self.baseuri = values.urljoin(self.baseuri, base)
            self.basestack.append(self.baseuri)
        if self.incontent:
            self.inline_start(key, tag, attrs)
            return
        if bare:
            if tag not in _NOT_TEXTINPUT:
                self.intextinput = 0
            if tag not in _NOT_IMAGE:
                self.inimage = 0
        handler = self.starts.get(key)
        if handler is not None:
            handler(self, dict(attrs))
        elif key in HANDLED_STARTS or KEYMAP.get(key, key) in _PROTECTED:
            raise Decline
        elif not attrs:
            self.push(key, 1)
        else:
            self.store(self.context(), key, dict(attrs))

    def inline_start(self, key: str, tag: str, attrs: list[tuple[str, str]]) -> None:
        """An element inside content: feedparser writes it out as XHTML markup."""
        kind = self.contentparams.get("type", "xml")
        if not kind.endswith("xml"):
            if tag in ("xhtml:div", "div"):
                return  # typepad's wrapper: feedparser drops it (see end())
            # Markup in escaped content turns it into XHTML; in Atom 1.0 feedparser then
            # unwraps a <div> from pieces that expat splits its own way: not replayed.
            if self.version == "atom10":
                raise Decline
            self.contentparams["type"] = kind = XHTML
        local = tag.split(":", 1)[-1]
        # End handlers still run inside content, and svg/math get special treatment.
        if kind != XHTML or key in HANDLED_ENDS or local in ("svg", "math"):
            raise Decline
        self.data(values.start_tag(local, attrs), escape_it=False)

    def end(self, lxml_tag: str) -> None:  # unknown_endtag
        key, tag, _ = self.names(lxml_tag)
        handler = self.ends.get(key)
        if handler is not None:
            handler(self)
        elif key in HANDLED_ENDS:
            raise Decline
        else:
            self.pop(key)
        if self.incontent:
            kind = self.contentparams.get("type", "xml")
            if not kind.endswith("xml"):
                if tag in ("xhtml:div", "div"):
                    # feedparser returns here: no base popped, no depth decremented, for good.
                    return
                raise Decline  # unreachable after inline_start; not replayed if it is not
            if kind == XHTML:
                self.data(f"</{tag.split(':')[-1]}>", escape_it=False)
        if self.track_base and self.basestack:
            self.basestack.pop()
            if self.basestack and self.basestack[-1]:
                self.baseuri = self.basestack[-1]
        self.depth -= 1

    def data(self, text: str, escape_it: bool = True) -> None:  # handle_data
        if not self.stack:
            return
        if escape_it and self.contentparams.get("type") == XHTML:
            text = escape(text)
        self.stack[-1][2].append(text)

    # --- feedparser's helpers --------------------------------------------------------------

    def context(self) -> Ctx:  # _get_context
        if self.insource:
            return self.sourcedata
        if self.inimage and "image" in self.feeddata:
            return self.feeddata["image"]  # type: ignore[no-any-return]
        if self.intextinput:
            return self.feeddata["textinput"]  # type: ignore[no-any-return]
        if self.inentry:
            return self.entries[-1]
        return self.feeddata

    @staticmethod
    def store(context: Ctx, key: str, value: Any) -> None:  # FeedParserDict.__setitem__
        context[KEYMAP.get(key, key)] = value

    def save(self, key: str, value: Any, overwrite: bool = False) -> None:  # _save
        context = self.context()
        if overwrite or key not in context:
            self.store(context, key, value)

    def push(self, element: str, expecting_text: int) -> None:
        self.stack.append([element, expecting_text, []])

    def push_content(self, tag: str, attrs: Attrs, default: str, expecting: int) -> None:
        self.incontent += 1
        kind = values.map_content_type(attrs.get("type", default))
        self.contentparams = {"type": kind}
        # _is_base64: anything but text/*, */xml and *+xml counts as base64 in feedparser.
        plain = kind.startswith("text/") or kind.endswith(("+xml", "/xml"))
        self.contentparams["base64"] = int(attrs.get("mode", "") == "base64" or not plain)
        self.push(tag, expecting)

    def pop_content(self, tag: str) -> str | None:
        value = self.pop(tag)
        self.incontent -= 1
        self.contentparams = {}
        return value

    def pop(self, element: str, strip_whitespace: bool = True) -> str | None:
        if not self.stack or self.stack[-1][0] != element:
            return None
        element, expecting_text, pieces = self.stack.pop()
        if self.version == "atom10" and self.contentparams.get("type", "text") == XHTML:
            pieces = values.unwrap_div(pieces)
        output: str = "".join(pieces)
        if strip_whitespace:
            output = output.strip()
        if not expecting_text:
            return output
        params = self.contentparams
        if params.get("base64", 0):
            with contextlib.suppress(binascii.Error, binascii.Incomplete, UnicodeDecodeError):
                output = base64.decodebytes(output.encode("utf8")).decode("utf8")
        if element in CAN_BE_RELATIVE and output and (element != "id" or self.guidislink):
            output = values.urljoin(self.baseuri or "", output)
        # RSS "plain text" that looks like HTML is HTML to feedparser (Atom says what it is).
        atom = self.version.startswith("atom")
        if not atom and params.get("type") == "text/plain" and values.looks_like_html(output):
            params["type"] = "text/html"
        params.pop("mode", None)
        params.pop("base64", None)
        output = values.fix_text(output)
        if element in ("category", "tags", "itunes_keywords"):
            return output
        if element == "title" and -1 < self.title_depth <= self.depth:
            return output
        self.keep(element, output)
        return output

    def keep(self, element: str, output: str) -> None:
        """The storing half of feedparser's pop."""
        detail = {"type": self.contentparams.get("type"), "value": output}
        if self.inentry and not self.insource:
            entry = self.entries[-1]
            if element == "content":
                entry.setdefault("content", []).append(detail)
            elif element == "link":
                if not self.inimage:
                    if "&" in output:
                        output = _AMP_REF.sub(r"&\g<1>", output.replace("&amp;", "&"))
                    entry["link"] = output
                    if output:
                        entry["links"][-1]["href"] = output
            else:
                if element == "description":
                    element = "summary"
                old = self.depths.get(element)
                if old is None or self.depth <= old:
                    self.depths[element] = self.depth
                    self.store(entry, element, output)
                if self.incontent:
                    self.store(entry, element + "_detail", detail)
        elif self.infeed or self.insource:
            context = self.context()
            if element == "description":
                element = "subtitle"
            self.store(context, element, output)
            if element == "link":
                if "&" in output:
                    output = _AMP_REF.sub(r"&\g<1>", output)
                self.store(context, element, output)
                context["links"][-1]["href"] = output
            elif self.incontent:
                self.store(context, element + "_detail", detail)
