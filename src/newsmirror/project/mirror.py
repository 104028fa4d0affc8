"""The mirror projection: article files, ``lists/{NAME}.md`` and ``README.md``."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path
from urllib.parse import quote

from ..clean import ImagePolicy, flatten, map_image_sources
from ..config import list_stem
from ..errors import ArchiveError
from ..escaping import escape_line, escape_title, markdown_link, path_target
from ..record.model import Revision, epoch_ms, parse_iso
from ..store.model import Listed

ARTICLES_DIR = "articles"
LISTS_DIR = "lists"
SLUG_LIMIT = 64


def version_path(path: str, rev: int) -> str:
    """Where an earlier version of an article is kept: beside it, ``{stem}.v{rev}.md``."""
    return f"{path.removesuffix('.md')}.v{rev}.md"


def render_notice(current: Revision, earlier: Sequence[Revision], tz: timezone) -> str:
    """The line at the top of an edited article: when it changed, with links to each version."""
    links = []
    for old in earlier:
        when = parse_iso(old.fetched).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        href = posixpath.basename(version_path(old.path, old.rev))
        links.append(f'<a href="{escape(href, quote=True)}">第{old.rev}版 {when}</a>')
    now = parse_iso(current.fetched).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return (
        f'<div><small style="color: #999;">本文已修改，现为第{current.rev}版（{now}）。'
        f"早前版本：{'、'.join(links)}</small></div>"
    )


def render_removal(revision: Revision, tz: timezone) -> str:
    """The line at the top of an article that was taken down: when, and the evidence."""
    when = parse_iso(revision.fetched).astimezone(tz).strftime("%Y-%m-%d %H:%M")
    evidence = revision.evidence
    why = evidence.get("reason") or (f"HTTP {evidence['status']}" if "status" in evidence else "")
    return (
        f'<div><small style="color: #999;">原文已于 {when} 被删除（{escape(why)}）。'
        "以下为删除前的存档。</small></div>"
    )


def with_images(revision: Revision, policy: ImagePolicy, page: str) -> str:
    """The body with its images where ``policy`` says: proxied, original, or local copies
    linked relative to ``page`` (so the archive and the site read offline and on any host)."""

    def image_source(src: str) -> str:
        if policy.mode != "local":
            return policy.rewrite(src)
        original = policy.original(src)
        copy = revision.images.get(original)
        return posixpath.relpath(copy, posixpath.dirname(page)) if copy else original

    return map_image_sources(revision.html, image_source)


def render_article(revision: Revision, policy: ImagePolicy, notice: str = "") -> str:
    if revision.original is not None and not notice:
        return revision.original  # an adopted file, as the old archive wrote it
    body = notice + flatten(with_images(revision, policy, revision.path))
    return (
        f"<!--{epoch_ms(revision.time)}-->\n"
        f"{markdown_link(revision.title, revision.url)}\n"
        f"------\n\n{body}\n"
    )


def zone(utc_offset: str) -> timezone:
    sign = -1 if utc_offset.startswith("-") else 1
    hours, minutes = utc_offset[1:].split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


# Last path segments that name a language, a script or a format of the article rather than the
# article: BBC's .../articles/c1ez1k4emn0t/simp, NYT's .../20241130/trump-china/zh-hant/.
_VARIANT = re.compile(
    r"(simp|trad|simplified|traditional|hans|hant|big5|gb|amp|print|index|default|zh|en"
    r"|zh-(cn|tw|hk|sg|mo|hans|hant)|en-(us|gb))",
    re.IGNORECASE,
)


def slug(url: str | None, fallback: str) -> str:
    """A file-name-safe stem from the URL's identifying part: its last path segment that is not
    a language or format variant, or ``fallback``."""
    if url:
        path = url.split("?", 1)[0].split("#", 1)[0].split("://", 1)[-1]
        for segment in reversed(path.split("/")[1:]):
            segment = re.sub(r"\.(s?html?|php|aspx?|jsp)$", "", segment, flags=re.IGNORECASE)
            if not segment or _VARIANT.fullmatch(segment):
                continue
            segment = re.sub(r"%[0-9A-Fa-f]{2}", "", segment)
            segment = re.sub(r"[^A-Za-z0-9_-]+", "-", segment).strip("-_").lower()[:SLUG_LIMIT]
            if len(segment) >= 3 and segment.strip("-_"):
                return segment.strip("-_")
            break
    return fallback


def article_path(
    abbr: str,
    url: str | None,
    article: str,
    moment: datetime,
    tz: timezone,
    taken: Callable[[str], bool],
) -> str:
    """``articles/{abbr}/{YYYY}/{MM}/{DD}-{slug}.md``: dated so names sort by time, unique."""
    local = moment.astimezone(tz)
    stem = f"{ARTICLES_DIR}/{abbr}/{local:%Y/%m/%d}-{slug(url, article[:12])}"
    path = f"{stem}.md"
    if taken(path):
        path = f"{stem}-{article[:8]}.md"
    return path


def list_item(entry: Listed, tz: timezone) -> str:
    local = datetime.fromtimestamp(entry.time_ms / 1000, tz)
    mark = " (已删除)" if entry.removed else ""
    mark += " (仅摘要 summary only)" if entry.summary_only else ""
    return (
        f"{local.month}-{local.day} [{escape_title(entry.title)}](/{path_target(entry.path)}){mark}"
    )


def render_list(name: str, entries: Sequence[Listed], tz: timezone) -> str:
    items = "".join(f"{list_item(entry, tz)}\n\n" for entry in entries)
    heading = escape_line(name)
    return f"{heading}\n------\n\n{items}".removesuffix("\n") if items else f"{heading}\n------\n\n"


def list_file(name: str) -> str:
    """``lists/{NAME}.md``, the name made safe as a file name where it is not already."""
    return f"{LISTS_DIR}/{list_stem(name)}.md"


def render_readme(names: Sequence[str]) -> str:
    links = "".join(f"- [{escape_title(name)}]({quote(list_file(name))})\n" for name in names)
    return f"# News mirror\n\nArticles by source, newest first:\n\n{links}"


def write_if_changed(path: Path, data: bytes, *, within: Path, new: bool = False) -> bool:
    """Write atomically (temporary file, then rename); True when the content changed.

    ``within``: the folder the file belongs to (the archive, the site). A path that resolves
    outside it, through a symbolic link anywhere below it (``articles/voa`` linked elsewhere),
    is refused with an ArchiveError naming it, before anything is written or made.

    The temporary name is fixed rather than random (mkstemp costs several times more per file
    on slow disks): only the holder of the archive lock writes projections. ``new``: the caller
    knows no file is there, so none is read, and the file is written in place (there is nothing
    to keep whole, and creating one file instead of two halves the cost on slow disks).
    """
    _check_within(path, within)
    if new:
        _write_in(path, path, data)
        return True
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    temporary = path.with_name(f".tmp-{path.name}.part")
    try:
        _write_in(path, temporary, data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return True


def _check_within(path: Path, within: Path) -> None:
    """ArchiveError when ``path`` (its links followed, as far as it exists) is outside
    ``within``."""
    if not path.resolve().is_relative_to(within.resolve()):
        raise ArchiveError(
            f"{path}: leads outside {within} through a symbolic link; nothing was written "
            "there (put a folder in place of the link)"
        )


def _write_in(path: Path, file: Path, data: bytes) -> None:
    """Write ``file`` beside ``path``, making their folder on the first file in it (only
    then, not every time)."""
    try:
        file.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
