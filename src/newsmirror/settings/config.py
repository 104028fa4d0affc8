"""One typed settings object, read from ``newsmirror.toml`` and ``NEWSMIRROR_<SECTION>_<KEY>``.

Each setting is declared once, as a dataclass field whose metadata holds its help text; the
defaults, the environment-variable names, the commented template that ``init`` writes and the
README's settings table all come from these declarations.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsmirror.errors import ConfigError, UnknownSource
from newsmirror.settings.sources import Source, list_stem, source_from_table
from newsmirror.settings.values import CONFIG_FILE, CONTROLS, ENV_PREFIX, coerce, parse_duration

IMAGE_POLICIES = ("proxy", "local", "original")


def setting(default: Any, help: str, low: float = 0, high: float = math.inf) -> Any:
    """A settings field: its default, the one line of help shown in the template and README, and
    for a number the range it must be in (checked by ``validate``)."""
    metadata = {"help": help, "range": (low, high)}
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = setting(
        "newsmirror/0.1 (+https://github.com/newsmirror/newsmirror)",
        "User-Agent header sent with every request",
    )
    timeout: float = setting(
        30.0, "total deadline of one request in seconds, body included", 0.001, 86400
    )
    connect_timeout: float = setting(
        10.0, "deadline for opening one connection, in seconds", 0.001, 86400
    )
    max_bytes: int = setting(
        20_000_000, "largest response body accepted, after decompression", 1, 1 << 40
    )
    max_redirects: int = setting(5, "redirects followed before a request fails", 0, 100)
    retries: int = setting(2, "retries after a timeout, connection failure, 429 or 5xx", 0, 100)
    backoff: float = setting(1.0, "first retry delay in seconds; doubles with each retry", 0, 3600)
    retry_after_max: float = setting(
        60.0, "longest Retry-After delay honoured, in seconds", 0, 86400
    )
    concurrency: int = setting(16, "requests in flight at once, all hosts together", 1, 10_000)
    per_host_concurrency: int = setting(2, "requests in flight at once to one host", 1, 1000)
    proxy: str = setting("", "proxy URL for every request: http://, https://, socks5://")
    allow_private_networks: bool = setting(
        False, "allow requests to private, loopback and link-local addresses"
    )
    allowed_networks: list[str] = setting(
        [], 'networks (CIDR) allowed although not public, e.g. ["10.1.0.0/16"]'
    )


@dataclass(frozen=True)
class ScheduleSettings:
    interval: str = setting("1h", "how often a source is fetched, unless it sets its own")
    jitter: float = setting(
        0.1, "random share of the interval added or taken, to spread load", 0, 0.9
    )
    max_backoff: str = setting("24h", "longest wait after repeated failures of one source")


@dataclass(frozen=True)
class MirrorSettings:
    image_policy: str = setting(
        "proxy", "image URLs in article files: proxy, local (copies in images/) or original"
    )
    image_proxy: str = setting(
        "https://images.weserv.nl?url={host}{path}",
        "image proxy template; {host} and {path} (with query) of the original URL",
    )
    image_max_bytes: int = setting(
        10_000_000, "largest image kept under the local policy", 1, 1 << 40
    )
    images_per_article: int = setting(
        100,
        "images copied per article under the local policy; the rest keep their URL",
        0,
        1_000_000,
    )
    images_per_run: int = setting(
        2000,
        "images downloaded in one run under the local policy; the rest keep their URL",
        0,
        10_000_000,
    )
    adopt_max_bytes: int = setting(
        10_000_000,
        "largest file of an old archive that `adopt` reads; larger ones are skipped",
        1,
        1 << 40,
    )
    list_size: int = setting(300, "items per lists/{NAME}.md, newest first", 1, 1_000_000)
    utc_offset: str = setting("+08:00", "time zone of list dates and article folders")


@dataclass(frozen=True)
class RecordSettings:
    recheck: list[str] = setting(
        ["1h", "6h", "24h", "3d", "7d", "30d"],
        "when each article's page is fetched again after it was first seen, to catch edits "
        "and removals",
    )
    recheck_limit: int = setting(200, "article pages re-checked in one run at most", 0, 1_000_000)
    warc: bool = setting(False, "also keep every response fetched in WARC files under record/warc/")


@dataclass(frozen=True)
class PublishSettings:
    commit: bool = setting(True, "commit the archive to git after each run")
    remotes: list[str] = setting([], 'git remotes that `run --push` pushes to, e.g. ["origin"]')
    branch: str = setting("", "branch to push; empty means the current branch")
    site_dir: str = setting(
        "_site", "folder `build` writes the static site to, relative to the archive"
    )
    site_url: str = setting(
        "", "the site's public URL, e.g. https://example.org/news/ (feeds and the sitemap need it)"
    )
    site_branch: str = setting(
        "", 'branch `build` commits the site to, e.g. "gh-pages"; empty: the folder only'
    )


STORE_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class StoreSettings:
    url: str = setting(
        "",
        "PostgreSQL database shared by several machines, postgresql://user:password@host/db "
        "(run `db upgrade` first): it keeps the state, article and search indexes; the record "
        "stays in the archive's files; empty: files and SQLite in the archive",
    )


@dataclass(frozen=True)
class Settings:
    fetch: FetchSettings = field(default_factory=FetchSettings)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    mirror: MirrorSettings = field(default_factory=MirrorSettings)
    record: RecordSettings = field(default_factory=RecordSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)
    store: StoreSettings = field(default_factory=StoreSettings)
    sources: tuple[Source, ...] = ()

    def source(self, abbr: str) -> Source:
        for source in self.sources:
            if source.abbr == abbr:
                return source
        known = ", ".join(s.abbr for s in self.sources) or "none"
        raise UnknownSource(
            f"unknown source {abbr!r} (known: {known}); see `newsmirror sources list`"
        )

    @property
    def interval_seconds(self) -> float:
        return parse_duration(self.schedule.interval, "schedule.interval")

    @property
    def recheck_seconds(self) -> list[float]:
        return [parse_duration(d, "record.recheck") for d in self.record.recheck]

    @property
    def max_backoff_seconds(self) -> float:
        return parse_duration(self.schedule.max_backoff, "schedule.max_backoff")


SECTIONS: dict[str, type] = {
    "fetch": FetchSettings,
    "schedule": ScheduleSettings,
    "mirror": MirrorSettings,
    "record": RecordSettings,
    "publish": PublishSettings,
    "store": StoreSettings,
}


def env_name(section: str, key: str) -> str:
    return f"{ENV_PREFIX}{section.upper()}_{key.upper()}"


def _section(name: str, table: Mapping[str, Any], env: Mapping[str, str]) -> Any:
    cls = SECTIONS[name]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = set(table) - set(fields)
    if unknown:
        raise ConfigError(
            f"{CONFIG_FILE}: unknown setting [{name}] {sorted(unknown)[0]}; "
            f"known: {', '.join(fields)}"
        )
    values = {
        key: coerce(v, fields[key].type, f"{CONFIG_FILE} [{name}] {key}")
        for key, v in table.items()
    }
    for key, f in fields.items():
        variable = env_name(name, key)
        if variable in env:
            values[key] = coerce(env[variable], f.type, variable)
    return cls(**values)


def _check_values(name: str, section: Any) -> None:
    """Numbers finite and in their field's range; text free of control characters."""
    for f in dataclasses.fields(section):
        value = getattr(section, f.name)
        where = f"[{name}] {f.name}"
        if isinstance(value, int | float) and not isinstance(value, bool):
            low, high = f.metadata["range"]
            if not (math.isfinite(value) and low <= value <= high):
                raise ConfigError(f"{where}: give a number from {low} to {high}, got {value!r}")
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and CONTROLS.search(text):
                raise ConfigError(
                    f"{where}: {text!r} holds a control character or bytes that are not UTF-8"
                )


def check_store_url(url: str, where: str) -> str:
    """``url`` when it is empty or a PostgreSQL URL (``postgresql://``); the error names
    ``where`` and never shows a password."""
    scheme = url.partition("://")[0].lower()
    if url and ("://" not in url or scheme not in STORE_SCHEMES):
        shown = f"{scheme}://…" if "://" in url else "…"  # never a password
        raise ConfigError(
            f"{where} {shown!r}: give a PostgreSQL URL, postgresql://user:password@host/db, "
            "or nothing for files and SQLite"
        )
    return url


def validate(settings: Settings) -> Settings:
    """Checks across fields; returns the settings unchanged when they hold."""
    abbrs = [s.abbr for s in settings.sources]
    names = [s.name for s in settings.sources]
    # Names whose lists would be one file, here or on a file system that ignores case.
    files = [f"lists/{list_stem(s.name).casefold()}.md" for s in settings.sources]
    for values, what in ((abbrs, "abbr"), (names, "name"), (files, "list file")):
        repeated = {v for v, n in Counter(values).items() if n > 1}
        if repeated:
            raise ConfigError(
                f"{CONFIG_FILE}: two sources share the {what} {sorted(repeated)[0]!r}"
            )
    if settings.mirror.image_policy not in IMAGE_POLICIES:
        raise ConfigError(
            f"[mirror] image_policy {settings.mirror.image_policy!r}: use one of "
            + ", ".join(IMAGE_POLICIES)
        )
    if not re.fullmatch(r"[+-](0\d|1\d|2[0-3]):[0-5]\d", settings.mirror.utc_offset):
        raise ConfigError(
            f"[mirror] utc_offset {settings.mirror.utc_offset!r}: use the form +08:00"
        )
    for name in SECTIONS:
        _check_values(name, getattr(settings, name))
    agent = settings.fetch.user_agent
    if not (agent.isascii() and agent.isprintable()):
        raise ConfigError(f"[fetch] user_agent {agent!r}: an HTTP header: printable ASCII only")
    proxy = settings.mirror.image_proxy
    if not (re.match(r"https?://", proxy, re.I) and "{host}" in proxy):
        raise ConfigError(
            f"[mirror] image_proxy {proxy!r}: give an http(s) URL with {{host}} and {{path}}"
        )
    publish = settings.publish
    for where, name in [("branch", publish.branch), ("site_branch", publish.site_branch)] + [
        ("remotes", remote) for remote in publish.remotes
    ]:
        # Given to git as arguments: a leading "-" would be read as an option.
        if name.startswith("-") or re.search(r"\s", name):
            raise ConfigError(
                f"[publish] {where} {name!r}: a git name cannot start with - or hold spaces"
            )
    check_store_url(settings.store.url, "[store] url")
    settings.interval_seconds  # noqa: B018 - parses, raising ConfigError when invalid
    settings.max_backoff_seconds  # noqa: B018
    settings.recheck_seconds  # noqa: B018
    return settings


def parse_settings(document: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    unknown = set(document) - set(SECTIONS) - {"sources"}
    if unknown:
        raise ConfigError(
            f"{CONFIG_FILE}: unknown section [{sorted(unknown)[0]}]; "
            f"known: {', '.join(SECTIONS)}, sources"
        )
    sections = {}
    for name in SECTIONS:
        table = document.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{CONFIG_FILE}: [{name}] must be a table")
        sections[name] = _section(name, table, env)
    entries = document.get("sources", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{CONFIG_FILE}: sources must be an array of [[sources]] tables")
    sources = tuple(source_from_table(entry, i) for i, entry in enumerate(entries))
    return validate(Settings(sources=sources, **sections))


def load_settings(root: Path, env: Mapping[str, str] | None = None) -> Settings:
    path = root / CONFIG_FILE
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no archive here; run `newsmirror init` or pass -C DIR"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: {error}; fix the file and run again") from None
    return parse_settings(document, env)


def documented_settings() -> list[tuple[str, str, Any, str]]:
    """(section, key, default, help) for every setting, in declaration order."""
    rows = []
    for section, cls in SECTIONS.items():
        defaults = cls()
        for f in dataclasses.fields(cls):
            rows.append((section, f.name, getattr(defaults, f.name), f.metadata["help"]))
    return rows
