"""Pages as HTML: one set of templates for the web reader and the static site.

Each method renders one page of the scheme in ``paths`` and returns None when there is no such
page (an unknown source or article, a page number out of range), so the reader can answer 404
and the site can simply skip it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, Generic, NamedTuple, TypeVar

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from newsmirror.record.model import RevisionKind, parse_iso
from newsmirror.render import paths
from newsmirror.render.search_terms import page_terms
from newsmirror.render.views import ListPage, Shelves
from newsmirror.search import marked_html
from newsmirror.store.model import MAX_PAGE_ATTEMPTS
from newsmirror.text.escaping import http_url

CHANGE_NAMES = {
    RevisionKind.FIRST: "首次存档 first archived",
    RevisionKind.EDITED: "已修改 edited",
    RevisionKind.RE_EXTRACTED: "重新提取 re-extracted",
    RevisionKind.VOLATILE: "内容反复变化 volatile",
    RevisionKind.REMOVED: "已删除 removed",
    RevisionKind.RESTORED: "已恢复 restored",
}

# The static site has no server to send headers: the same policy goes in a <meta> tag.
# Pagefind runs WebAssembly and fetches its index; nothing else runs.
STATIC_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src * data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)


@dataclass(frozen=True)
class Pager:
    page: int | None  # shown as "page n"; None on a front page
    previous: str | None  # newer
    next: str | None  # older


class Frame(NamedTuple):
    """The links every page has (header, sources, footer), as written in one folder."""

    style: str
    home: str
    search: str
    atom: str
    rss: str
    json: str
    sources: tuple[tuple[str, str, str], ...]  # (abbr, name, link)


def marked(segments: Iterable[tuple[str, bool]]) -> Markup:
    return Markup(marked_html(segments))


S = TypeVar("S", bound=Shelves)


class Pages(Generic[S]):
    """The pages of one library (the web reader's, or the static build's preloaded one)."""

    def __init__(
        self, library: S, *, static: bool, site_title: str = "newsmirror", feeds: bool = True
    ) -> None:
        self.library = library
        self.static = static
        self.feeds = feeds  # a static site without a base URL has none to link to
        tz = library.tz
        self.env = Environment(
            loader=PackageLoader("newsmirror.render"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            auto_reload=False,  # the templates ship with the package; no stat per render
            lstrip_blocks=True,
        )
        self.env.globals.update(
            site_title=site_title,
            static=static,
            feeds=feeds,
            csp=STATIC_CSP,
            change_names=CHANGE_NAMES,
            source_page=paths.source_page,
            days_page=paths.days_page,
            day_page=paths.day_page,
            article_page=paths.article_page,
            source_name=library.name,
            marked=marked,
            search_terms=page_terms,
            page_attempts=MAX_PAGE_ATTEMPTS,
            http_url=http_url,  # the publisher's link: http(s) only, whatever the record holds
            iso=lambda ms: datetime.fromtimestamp(ms / 1000, UTC).isoformat(),
            local=lambda ms: f"{datetime.fromtimestamp(ms / 1000, tz):%Y-%m-%d %H:%M}",
            local_iso=lambda text: f"{parse_iso(text).astimezone(tz):%Y-%m-%d %H:%M}",
        )
        self.sources = library.sources()
        self._frames: dict[str, Frame] = {}

    def render(self, template: str, current: str, **context: Any) -> str:
        def url(target: str) -> str:
            return paths.relative(target, current)

        context.setdefault("query_text", "")
        return self.env.get_template(template).render(
            url=url, current=current, sources=self.sources, frame=self._frame(current), **context
        )

    def _frame(self, current: str) -> Frame:
        """The same for every page of a folder: made once per folder, not per page (a site's
        pages would otherwise spend a tenth of their time making these links)."""
        folder = current.rpartition("/")[0]
        frame = self._frames.get(folder)
        if frame is None:
            link = partial(paths.relative, current=current)
            frame = Frame(
                style=link("static/style.css"),
                home=link("index.html"),
                search=link("search.html"),
                atom=link("atom.xml"),
                rss=link("rss.xml"),
                json=link("feed.json"),
                sources=tuple(
                    (s.abbr, s.name, link(paths.source_page(s.abbr))) for s in self.sources
                ),
            )
            self._frames[folder] = frame
        return frame

    def home(self, page: int | None = None) -> str | None:
        listing = self.library.list_page(None, page)
        if listing is None:
            return None
        return self.render(
            "list.html",
            paths.home_page(page),
            heading="最新文章 Latest",
            items=listing.items,
            show_source=True,
            feed=paths.feed_file(None, "atom.xml") if self.feeds else None,
            pager=_pager(listing, paths.home_page),
        )

    def source(self, abbr: str, page: int | None = None) -> str | None:
        listing = self.library.list_page(abbr, page) if self.library.knows_source(abbr) else None
        if listing is None:
            return None
        return self.render(
            "list.html",
            paths.source_page(abbr, page),
            heading=self.library.name(abbr),
            abbr=abbr,
            items=listing.items,
            feed=paths.feed_file(abbr, "atom.xml") if self.feeds else None,
            pager=_pager(listing, partial(paths.source_page, abbr)),
        )

    def days(self, abbr: str) -> str | None:
        if not self.library.knows_source(abbr):
            return None
        return self.render(
            "days.html",
            paths.days_page(abbr),
            heading=f"{self.library.name(abbr)} · 按日期 By day",
            abbr=abbr,
            days=self.library.days(abbr),
        )

    def day(self, abbr: str, day: date) -> str | None:
        items = self.library.day(abbr, day) if self.library.knows_source(abbr) else ()
        if not items:
            return None
        return self.render(
            "list.html",
            paths.day_page(abbr, day),
            heading=f"{self.library.name(abbr)} · {day.isoformat()}",
            abbr=abbr,
            items=items,
        )

    def article(self, mirror_path: str, rev: int | None = None) -> str | None:
        view = self.library.article(mirror_path, rev)
        if view is None or (rev is not None and view.latest):
            return None  # the latest version lives at the page without a version number
        evidence = view.revision.evidence if view.removal else {}
        reason = evidence.get("reason") or (
            f"HTTP {evidence['status']}" if "status" in evidence else ""
        )
        return self.render(
            "article.html",
            paths.article_page(view.shelved.path, rev),
            view=view,
            abbr=view.shelved.source,
            reason=reason,
        )

    def search_static(self) -> str:
        return self.render("search_static.html", "search.html")

    def error(self, current: str, status: int, message: str) -> str:
        return self.render("error.html", current, status=status, message=message)

    def at(self, path: str) -> str | None:
        """The page at ``path`` of the scheme in ``paths``; None when there is none."""
        parsed = paths.parse(path)
        if parsed is None:
            return None
        kind, parts = parsed
        page = int(parts["page"]) if "page" in parts else None
        if kind == "home":
            return self.home(page)
        if kind == "source":
            return self.source(parts["abbr"], page)
        if kind == "days":
            return self.days(parts["abbr"])
        if kind == "day":
            try:
                day = date.fromisoformat(parts["day"].replace("/", "-"))
            except ValueError:
                return None
            return self.day(parts["abbr"], day)
        rev = int(parts["rev"]) if "rev" in parts else None
        return self.article(parts["stem"] + ".md", rev)


def _pager(listing: ListPage, page_path: Callable[[int | None], str]) -> Pager | None:
    older = page_path(listing.older) if listing.older else None
    newer = page_path(listing.newer) if listing.number is not None else None
    if older is None and newer is None:
        return None
    return Pager(listing.number, newer, older)
