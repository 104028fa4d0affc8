"""What the reader APIs need of a private store: accounts.sqlite (``sqlite``) in an archive of
one machine, the shared database (``postgres``) in one of several; the web code is the same."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from newsmirror.accounts.model import Item, Selection, User


class Accounts(Protocol):
    def add_user(self, name: str, password_hash: str, token_key: bytes, fever_key: str) -> User:
        """A new account; raises ConfigError when the name is taken."""
        ...

    def user(self, name: str) -> User | None: ...

    def user_by_id(self, user_id: int) -> User | None: ...

    def user_by_fever_key(self, fever_key: str) -> User | None: ...

    def users(self) -> list[User]: ...

    def remove_user(self, name: str) -> bool:
        """Remove an account with its marks and their history; False when there is none."""
        ...

    def set_credentials(
        self, name: str, password_hash: str | None, token_key: bytes, fever_key: str | None
    ) -> bool:
        """Replace the token key (revoking every token) and, unless None, the password hash;
        the Fever key is set to ``fever_key`` (None: Fever refused until the next password)."""
        ...


class Items(Protocol):
    def add_items(self, items: Iterable[tuple[str, str, int]]) -> int:
        """Number articles (article, source, time_ms) not numbered yet, in the order given;
        returns how many were new."""
        ...

    def item_count(self) -> int: ...

    def last_item(self) -> int:
        """The newest item's id (0: none)."""
        ...

    def feed_id(self, abbr: str) -> int:
        """A stable integer for a source (Fever's feed ids)."""
        ...

    def group_id(self, name: str) -> int:
        """A stable integer for a group of sources (Fever's group ids)."""
        ...


class Marks(Protocol):
    def select(self, user: int, selection: Selection) -> list[Item]: ...

    def items(self, user: int, ids: Sequence[int]) -> list[Item]:
        """The items of ``ids`` that exist, in id order."""
        ...

    def ids(self, user: int, *, read: bool | None, starred: bool | None) -> list[int]: ...

    def unread_counts(self, user: int) -> dict[str, tuple[int, int]]:
        """Per source with unread items: (unread, time_ms of the newest item)."""
        ...

    def mark(self, user: int, ids: Sequence[int], mark: str, value: bool) -> int:
        """Set ``mark`` ("read" or "starred") on the items of ``ids``; returns items changed."""
        ...

    def mark_all_read(
        self, user: int, sources: tuple[str, ...] | None, until_ms: int | None
    ) -> int:
        """Mark read every item of ``sources`` (None: all) published before ``until_ms``."""
        ...


class Backups(Protocol):
    def export(self) -> dict[str, list[list[object]]]:
        """Every table's rows (model.TABLES, the columns of accounts.sqlite; token keys as
        hex), at one moment: what ``users export`` writes."""
        ...

    def load(self, data: dict[str, list[list[object]]]) -> None:
        """Restore an ``export`` (of any backend); raises ConfigError when this store has
        accounts or marks already."""
        ...


class PrivateStore(Accounts, Items, Marks, Backups, Protocol):
    def close(self) -> None: ...
