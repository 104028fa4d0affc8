"""What a feed item means for the archive: new, a revision, or nothing. No I/O here."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

from .urls import url_key


@dataclass(frozen=True)
class Known:
    """What the index knows of an archived article."""

    article: str
    rev: int
    hash: str
    source: str
    path: str
    first_seen: str


class Verdict(enum.Enum):
    NEW = "new"
    REVISED = "revised"
    UNCHANGED = "unchanged"
    OTHER_SOURCE = "other-source"  # archived through another source's feed; that one owns it


def identity_keys(source: str, url: str | None, guid: str | None) -> tuple[str, ...]:
    """Keys that identify an article: its URL (any variant) first, then the source's GUID."""
    keys = []
    if url:
        keys.append("url:" + url_key(url))
    if guid and guid.strip():
        keys.append(f"guid:{source}:{guid.strip()}")
    return tuple(keys)


def article_id(first_key: str) -> str:
    return hashlib.sha256(first_key.encode()).hexdigest()[:16]


def decide(source: str, content_hash: str, known: Known | None) -> Verdict:
    if known is None:
        return Verdict.NEW
    if known.source != source:
        # One article reached through two feeds is one article; letting both feeds write it
        # would record their differing renderings as endless revisions.
        return Verdict.OTHER_SOURCE
    if known.hash == content_hash:
        return Verdict.UNCHANGED
    return Verdict.REVISED


def unreliable_guids(items: list[tuple[str | None, str | None]]) -> set[str]:
    """GUIDs that one feed gives to several different URLs: they identify nothing."""
    urls_by_guid: dict[str, set[str]] = {}
    for guid, url in items:
        if guid and url:
            urls_by_guid.setdefault(guid.strip(), set()).add(url_key(url))
    return {guid for guid, urls in urls_by_guid.items() if len(urls) > 1}
