"""What the reader-app APIs (``greader.py``, ``fever.py``) share: the private store, who is
asking (passwords, tokens, the throttle on guessing), item ids kept in step with the index,
and articles as items (the latest revision, with a line on its versions or its removal).

The archive is read through the web reader's own ``Reader`` and ``Library``; only accounts,
item ids and marks are the private store's (``accounts.protocols``).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from newsmirror.accounts import credentials
from newsmirror.accounts.model import Item, User
from newsmirror.accounts.protocols import PrivateStore
from newsmirror.accounts.sqlite import SQLitePrivateStore, private_path
from newsmirror.accounts.throttle import Throttle
from newsmirror.archive.library import Library
from newsmirror.render.feed_writers import SyndicationItem
from newsmirror.render.pages import Pages
from newsmirror.render.syndication import Made, feed_items
from newsmirror.store.model import Shelved

REMOVED_TITLE = "【已删除】"
# Items made from the record, kept for the next app that asks: users of one archive sync much
# the same newest articles, and making one (read, sanitize, links) costs some milliseconds.
MADE_ITEMS = 4096
# (article, rev) -> the Google Reader JSON of the item's own fields (greader_items.items_json)
ItemsJson = dict[tuple[str, int], tuple[bytes, bytes]]
RECENT_SECONDS = 30 * 86400


@dataclass(frozen=True)
class Entry:
    """One item as an app shows it."""

    item: Item
    shelved: Shelved
    feed: SyndicationItem  # title, links, body (with the notice), authors, times


class Reading:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.store: PrivateStore | None = None
        self.synced: Pages[Library] | None = (
            None  # the pages whose index the item ids are in step with
        )
        self.throttle = Throttle()
        self.made: Made = {}  # (article, rev) -> its item, oldest first
        self.made_for = ""  # the site the items link to
        self.items_json: ItemsJson = {}  # kept as long as ``made``
        # Articles as one version of the index has them (a library is made for each): an
        # app's stream asks for the same newest ones again and again.
        self.shelved: dict[str, Shelved | None] = {}
        self.shelved_in: Library | None = None

    def private(self) -> PrivateStore | None:
        """The private store; None while the archive has no accounts file (no users yet)."""
        if self.store is None and private_path(self.root).exists():
            self.store = SQLitePrivateStore(private_path(self.root))
        return self.store

    def open(self, pages: Pages[Library]) -> None:
        """Ready before the first request (each server process): the private store open, its
        item ids in step with the index and its per-source totals counted, so that the first
        apps do not wait for that (and every app behind them in this process)."""
        store = self.private()
        if store is not None:
            _number_new(store, pages.library)
            self.synced = pages
            store.unread_counts(0)  # no user has id 0: counts only the totals

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def library(self, request: Request) -> Library:
        """The library, with every article of the index numbered as an item."""
        pages: Pages[Library] = request.app.state.reader.current()
        store = self.private()
        if store is not None and pages is not self.synced:
            _number_new(store, pages.library)
            self.synced = pages
        return pages.library

    # Who is asking

    def wait(self, request: Request) -> Response | None:
        """A 429 while the address must wait after failed tries; None: go ahead."""
        seconds = self.throttle.wait(_address(request))
        if seconds <= 0:
            return None
        return PlainTextResponse(
            "Too many failed tries; wait and try again.",
            429,
            headers={"retry-after": str(int(seconds) + 1)},
        )

    def failed(self, request: Request) -> None:
        self.throttle.failed(_address(request))

    async def login(self, request: Request, name: str, password: str) -> User | None:
        """The user when the name and password match; checks as long either way. The slow
        hash runs in a thread: the event loop serves others meanwhile."""
        store = self.private()
        user = store.user(name) if store is not None else None
        stored = user.password_hash if user else credentials.decoy_hash()
        matches = await run_in_threadpool(credentials.check_password, password, stored)
        if user is None or not matches:
            self.failed(request)
            return None
        self.throttle.succeeded(_address(request))
        return user

    def by_token(self, token: str) -> User | None:
        store = self.private()
        name = credentials.token_user_name(token)
        user = store.user(name) if store is not None and name else None
        return user if user is not None and credentials.token_matches(token, user) else None

    def by_fever_key(self, key: str) -> User | None:
        store = self.private()
        if store is None or not key:
            return None
        return store.user_by_fever_key(credentials.fever_lookup(key))

    # Articles as items

    def entries(self, library: Library, items: list[Item], request: Request) -> list[Entry]:
        site = str(request.url.replace(path="/", query="", fragment=""))
        if len(self.shelved) > MADE_ITEMS or library is not self.shelved_in:
            self.shelved, self.shelved_in = {}, library
        found = []
        for item in items:
            if item.article not in self.shelved:
                self.shelved[item.article] = library.store.shelved(item.article)
            shelved = self.shelved[item.article]
            if shelved is not None:
                found.append((item, shelved))
        if site != self.made_for:
            self.made, self.items_json, self.made_for = {}, {}, site
        made = feed_items(library, [shelved for _, shelved in found], site, self.made)
        for kept in (self.made, self.items_json):
            for key in list(itertools.islice(kept, max(0, len(kept) - MADE_ITEMS))):
                del kept[key]
        return [
            Entry(item, shelved, _noted(shelved, feed))
            for (item, shelved), feed in zip(found, made, strict=True)
        ]


def _number_new(store: PrivateStore, library: Library) -> None:
    """Give ids to the articles the index has and the store has not numbered yet, oldest
    first, so ids grow as articles arrive. A run's new articles are recent: those of the last
    weeks are looked at first, and every article only when some are still missing."""
    index = library.store
    if store.item_count() == index.browse_count():
        return
    recent = index.browse(start_ms=int((time.time() - RECENT_SECONDS) * 1000))
    store.add_items((s.id, s.source, s.time_ms) for s in reversed(recent))
    if store.item_count() != index.browse_count():
        store.add_items((s.id, s.source, s.time_ms) for s in reversed(index.browse()))


def _noted(shelved: Shelved, feed: SyndicationItem) -> SyndicationItem:
    """An edited article says how many versions it has and links them; a removed one says so
    in its title and first line."""
    if shelved.removed:
        notice = (
            "<p><strong>原文已被删除。</strong>以下为删除前的存档。"
            f'The original was taken down; this is the <a href="{escape(feed.link)}">'
            "archived copy</a>.</p>"
        )
        return replace(
            feed, title=REMOVED_TITLE + feed.title, content_html=notice + feed.content_html
        )
    if shelved.rev > 1:
        notice = (
            f"<p>本文已修改，共 {shelved.rev} 个版本："
            f'<a href="{escape(feed.link)}">查看各版本 (all {shelved.rev} versions)</a></p>'
        )
        return replace(feed, content_html=feed.content_html + notice)
    return feed


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
