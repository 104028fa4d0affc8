"""Search in the web reader: the form's parameters, the results page and the results' feed.

Any text is a query (the search package makes it safe); what cannot be read (a page number that
is not one, a date that is not a date, an unknown status) is a 400 naming the parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone
from urllib.parse import urlencode

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from newsmirror.archive.library import Library
from newsmirror.errors import ConfigError
from newsmirror.record.model import RevisionKind
from newsmirror.render.feed_writers import FORMATS, FeedInfo
from newsmirror.render.pages import Pager, Pages
from newsmirror.render.syndication import feed_items
from newsmirror.search import SearchPage, SearchQuery
from newsmirror.search.model import day_start_ms

RESULTS_PER_PAGE = 20
MAX_PAGE = 50  # the index ranks a window of the newest matches; deeper pages add nothing
STATUSES = [
    ("", "全部 All"),
    (RevisionKind.EDITED, "已修改 Edited"),
    (RevisionKind.REMOVED, "已删除 Removed"),
]


class BadParameter(ValueError):
    """A search parameter that cannot be read; the message names it."""


@dataclass(frozen=True)
class SearchForm:
    text: str
    sources: tuple[str, ...]
    since: str
    until: str
    status: str
    page: int

    def query(self, tz: timezone, per_page: int = RESULTS_PER_PAGE) -> SearchQuery:
        return SearchQuery(
            text=self.text,
            sources=self.sources,
            since_ms=_day_ms(self.since, "since", tz),
            until_ms=_day_ms(self.until, "until", tz, days_after=1),
            status=self.status or None,
            limit=per_page,
            offset=(self.page - 1) * per_page,
        )

    def link(self, path: str, page: int | None = None) -> str:
        """``path`` with this form's parameters (and another page number) as its query."""
        values: list[tuple[str, str | int]] = [("q", self.text)]
        values += [("source", abbr) for abbr in self.sources]
        values += [(k, v) for k, v in (("since", self.since), ("until", self.until)) if v]
        values += [("status", self.status)] if self.status else []
        values += [("page", page)] if page and page > 1 else []
        return f"{path}?{urlencode(values)}"


def read_form(params: QueryParams) -> SearchForm:
    page_text = params.get("page", "1").strip() or "1"
    if not page_text.isascii() or not page_text.isdigit() or not 1 <= int(page_text) <= MAX_PAGE:
        raise BadParameter(f"page: give a number from 1 to {MAX_PAGE}")
    status = params.get("status", "")
    if status not in {value for value, _ in STATUSES}:
        raise BadParameter("status: give edited or removed, or leave it empty")
    return SearchForm(
        text=params.get("q", ""),
        sources=tuple(abbr for abbr in params.getlist("source") if abbr),
        since=params.get("since", "").strip(),
        until=params.get("until", "").strip(),
        status=status,
        page=int(page_text),
    )


def _day_ms(text: str, name: str, tz: timezone, days_after: int = 0) -> int | None:
    """When the day ``text`` starts (or ends), as ``search --since/--until`` reads it."""
    if not text:
        return None
    try:
        return day_start_ms(text, name, tz, days_after=days_after)
    except ConfigError as error:
        raise BadParameter(str(error)) from None


def run_search(pages: Pages[Library], params: QueryParams) -> tuple[SearchForm, SearchPage]:
    """Read the form and search; raises BadParameter."""
    form = read_form(params)
    archive = pages.library.archive
    return form, archive.search.search(form.query(archive.tz))


def search_page(pages: Pages[Library], request: Request) -> Response:
    context: dict[str, object] = {
        "statuses": STATUSES,
        "query_text": request.query_params.get("q", ""),
    }
    try:
        form, result = run_search(pages, request.query_params)
    except BadParameter as problem:
        body = pages.render("search.html", "search.html", problem=str(problem), **context)
        return HTMLResponse(body, status_code=400)
    more = len(result.hits) == RESULTS_PER_PAGE and form.page * RESULTS_PER_PAGE < result.total
    pager = Pager(
        form.page,
        form.link("search.html", form.page - 1) if form.page > 1 else None,
        form.link("search.html", form.page + 1) if more and form.page < MAX_PAGE else None,
    )
    body = pages.render(
        "search.html",
        "search.html",
        result=result if form.text.strip() else None,
        pager=pager if pager.previous or pager.next else None,
        feed=form.link("search.atom") if form.text.strip() else None,
        chosen_sources=form.sources,
        since=form.since,
        until=form.until,
        status=form.status,
        **context,
    )
    return HTMLResponse(body)


def search_feed(pages: Pages[Library], request: Request) -> Response:
    """The newest results of a search as an Atom feed, to follow a subject."""
    try:
        form, result = run_search(pages, request.query_params)
    except BadParameter as problem:
        return Response(str(problem), status_code=400, media_type="text/plain")
    base = str(request.base_url)
    library = pages.library
    shelved = [s for hit in result.hits if (s := library.store.shelved(hit.article))]
    _, media_type, write = FORMATS["atom"]
    info = FeedInfo(
        title=f"{form.text} · newsmirror",
        home_url=base + form.link("search.html").lstrip("/"),
        self_url=base + form.link("search.atom").lstrip("/"),
        id=f"search:{form.link('')}",
    )
    return Response(write(info, feed_items(library, shelved, base)), media_type=media_type)
