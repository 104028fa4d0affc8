"""What identifies an article: its keys (URL, the source's GUID) and the id made from them."""

from __future__ import annotations

import hashlib

from newsmirror.text.urls import url_key

# The key of an adopted article's second file (two old files with one URL): its path.
PATH_KEY = "path:"


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


def unreliable_guids(items: list[tuple[str | None, str | None]]) -> set[str]:
    """GUIDs that one feed gives to several different URLs: they identify nothing."""
    urls_by_guid: dict[str, set[str]] = {}
    for guid, url in items:
        if guid and url:
            urls_by_guid.setdefault(guid.strip(), set()).add(url_key(url))
    return {guid for guid, urls in urls_by_guid.items() if len(urls) > 1}
