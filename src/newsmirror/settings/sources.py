"""A source as the settings declare it: its name, folder (``abbr``), feed URL and how it is read;
the rules its folder and list names keep on every file system."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from newsmirror.errors import ConfigError
from newsmirror.settings.values import CONFIG_FILE, CONTROLS, coerce, parse_duration
from newsmirror.text.printable import INVISIBLE

# A source's folder under articles/: any name that is a safe path component on every common file
# system and in a URL path (old archives use names like "BBC"): no controls, none of
# < > : " / \ | ? * % #, not starting with ".", "-" or a space, not ending with "." or a space;
# no invisible characters that reorder or hide text on a terminal (bidi controls, zero-width
# ones), nor the lone surrogates that stand for bytes of a folder name that is not UTF-8.
_NOT_IN_ABBR = rf"\x00-\x1f\x7f-\x9f{INVISIBLE}\ud800-\udfff<>:\"/\\|?*%#"
ABBR_PATTERN = re.compile(rf"[^{_NOT_IN_ABBR} .-](?:[^{_NOT_IN_ABBR}]{{0,62}}[^{_NOT_IN_ABBR} .])?")
# Names that Windows reserves whatever the extension: never a folder name.
RESERVED_NAMES = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{n}" for n in range(10)),
    *(f"lpt{n}" for n in range(10)),
}
# When a source's article pages are fetched for the full text: when the feed item looks
# truncated (auto), for every item (always), or never.
FULL_TEXT_MODES = ("auto", "always", "never")

# Names a file system or git treats specially: Windows' device names and forbidden characters
# (a reader's clone must check out anywhere), path separators, a leading dot (hidden, and the
# archive's .gitignore skips .tmp-*), trailing dots and spaces (Windows drops them).
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')


def reserved(name: str) -> bool:
    """Whether Windows reserves ``name`` as a device (``nul``, ``COM1.md``), whatever follows
    its first dot."""
    return name.split(".")[0].lower() in RESERVED_NAMES


def list_stem(name: str) -> str:
    """The file name (without ``.md``) of a source's list: ``name`` where it is safe as one on
    any file system and in git, else with the unsafe parts replaced."""
    safe = _UNSAFE.sub("_", name).rstrip(" .")
    return f"_{safe}" if safe.startswith(".") or reserved(safe) or not safe else safe


@dataclass(frozen=True)
class Source:
    name: str
    abbr: str
    url: str
    interval: float | None = None
    enabled: bool = True
    full_text: str = "auto"
    group: str = ""  # the folder reader apps show the source in ("": none)


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError when the port is not one
    except ValueError:
        return False
    return (
        parts.scheme.lower() in ("http", "https")
        and bool(parts.hostname)
        and not CONTROLS.search(url)
        and " " not in url
    )


ABBR_RULE = (
    "must be 1-64 characters that are safe in a folder name (no control or invisible characters, "
    'no < > : " / \\ | ? * % #), not starting with ".", "-" or a space, nor ending with "." or '
    "a space"
)


def valid_abbr(abbr: str) -> bool:
    """Whether ``abbr`` can name a source's folder on every common file system."""
    return bool(ABBR_PATTERN.fullmatch(abbr)) and not reserved(abbr)


def source_from_table(entry: Any, index: int) -> Source:
    where = f"{CONFIG_FILE}: sources[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a table with name, abbr and url")
    missing = [k for k in ("name", "abbr", "url") if not isinstance(entry.get(k), str)]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}")
    unknown = set(entry) - {"name", "abbr", "url", "interval", "enabled", "full_text", "group"}
    if unknown:
        raise ConfigError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    abbr = entry["abbr"]
    if not valid_abbr(abbr):
        raise ConfigError(f"{where}: abbr {abbr!r} {ABBR_RULE}")
    name = entry["name"].strip()
    if not name or CONTROLS.search(name) or len(name.encode()) > 200:
        raise ConfigError(
            f"{where}: name {entry['name']!r}: give 1 to 200 bytes of text, no control characters"
        )
    url = entry["url"].strip()
    enabled = coerce(entry.get("enabled", True), bool, f"{where} enabled")
    if url and not _is_web_url(url):
        raise ConfigError(
            f"{where}: url {url!r} must start with http:// or https:// and name a host"
        )
    if enabled and not url:
        raise ConfigError(f"{where}: an enabled source needs a url")
    interval = entry.get("interval")
    full_text = entry.get("full_text", "auto")
    if full_text not in FULL_TEXT_MODES:
        raise ConfigError(
            f"{where}: full_text {full_text!r}: use one of {', '.join(FULL_TEXT_MODES)}"
        )
    group = entry.get("group", "")
    if not isinstance(group, str) or CONTROLS.search(group) or len(group) > 100:
        raise ConfigError(f"{where}: group {group!r}: give up to 100 characters of text")
    return Source(
        name=name,
        abbr=abbr,
        url=url,
        interval=None if interval is None else parse_duration(interval, f"{where} interval"),
        enabled=enabled,
        full_text=full_text,
        group=group.strip(),
    )
