"""The row types of accounts and marks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

# Names go into tokens (``name/secret``) and URLs: a short, plain alphabet keeps them safe there.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
NAME_RULE = "give 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"
MARKS = ("read", "starred")
# The tables of a backup (``users export``), by their names in accounts.sqlite; each backend
# gives their rows with the same columns in the same order, so a backup of one loads into any.
TABLES = ("users", "items", "feeds", "groups", "marks", "read_counts", "mark_log")


def stamp() -> str:
    """Now, as accounts and the marks' history note it."""
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class User:
    id: int  # never reused: a new account never inherits a removed one's marks
    name: str
    password_hash: str  # credentials.hash_password
    token_key: bytes  # secret behind the user's API tokens; replaced to revoke them
    fever_key: str | None  # sha256 of the Fever API key; None once revoked
    created: str


@dataclass(frozen=True)
class Item:
    """An article as the reader APIs number it, with one user's marks."""

    id: int  # stable: assigned once, in the order articles arrive
    article: str
    source: str
    time_ms: int  # published (else first seen), as the index has it
    read: bool = False
    starred: bool = False


@dataclass(frozen=True)
class Selection:
    """Which items a stream holds, for one user, and which page of them.

    ``read``/``starred``: None for either, else only items with (True) or without (False) the
    mark. Pages are keyset pages on the item id (``below``/``above``), so a page's next page
    stays the same as articles arrive."""

    sources: tuple[str, ...] | None = None  # None: every source
    read: bool | None = None
    starred: bool | None = None
    since_ms: int | None = None  # time_ms >= since_ms
    until_ms: int | None = None  # time_ms < until_ms
    below: int | None = None  # id < below
    above: int | None = None  # id > above
    newest_first: bool = True
    limit: int = 20
