"""The mirror format (docs/mirror-format.md), written and read in one place.

An article file is written by ``format_article`` and read back by ``parse_article`` (the
projection writes, ``adopt`` reads an old archive's files): what one writes the other reads as
the same fields. The notices at the top of an edited or removed article, a source's list and the
README are written here too. Pure functions: the files are written by ``project``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from html import escape
from urllib.parse import quote

from newsmirror.clean import ImagePolicy, clean_line, flatten, map_image_sources
from newsmirror.record.model import Revision, epoch_ms, parse_iso
from newsmirror.render.paths import list_file, version_path
from newsmirror.store.model import Listed
from newsmirror.text.escaping import escape_line, escape_title, markdown_link, path_target

# Lenient where old archives differ (a byte-order mark, CRLF, spaces inside the comment, a
# longer rule, no blank line after it), strict where the fields are.
ARTICLE_FILE = re.compile(
    r"\ufeff?<!--\s*(?P<time>\d{1,15})\s*-->[ \t]*\r?\n"
    r"\[(?P<title>[^\n]*)\]\((?P<url>[^\n]*)\)[ \t]*\r?\n"
    r"-{3,}[ \t]*\r?\n(?:\r?\n)?(?P<body>.*)\Z",
    re.DOTALL,
)
SECONDS_BELOW = 10**11  # a file's time under this (3 March 1973 in milliseconds) is in seconds
# What escape_title writes as entities, and what a Markdown backslash escape may stand before:
# a title is read as Markdown shows it.
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_BACKSLASHED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>])")


@dataclass(frozen=True)
class ArticleFile:
    """What an article file says: its four fields."""

    time: int  # milliseconds since the epoch (seconds, as some forks of the old scripts wrote)
    title: str  # plain text
    url: str  # the link target; "" for none
    body: str  # HTML, one line

    @property
    def moment(self) -> datetime | None:
        """``time`` as a moment; None when it is none (out of range)."""
        seconds = self.time / 1000 if self.time >= SECONDS_BELOW else self.time
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (ValueError, OverflowError, OSError):
            return None


def format_article(file: ArticleFile) -> str:
    """The article file: ``<!--{T}-->``, ``[{TITLE}]({URL})``, the rule, the body."""
    return f"<!--{file.time}-->\n{markdown_link(file.title, file.url)}\n------\n\n{file.body}\n"


def parse_article(text: str) -> ArticleFile | None:
    """What an article file says, or None when ``text`` is not in the mirror format."""
    match = ARTICLE_FILE.fullmatch(text)
    if not match:
        return None
    # The title as a feed's is taken: no control characters (an escape sequence in it would
    # drive the terminal of whoever runs `show`), white space folded.
    title = _ENTITY.sub(lambda entity: _ENTITIES[entity[1]], match["title"])
    title = _BACKSLASHED.sub(r"\1", title)
    body = match["body"].removesuffix("\n").removesuffix("\r")
    return ArticleFile(int(match["time"]), clean_line(title), match["url"].strip(), body)


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
    """The article file of ``revision``; ``notice``: the lines at the top of its body (an edit,
    a removal)."""
    if revision.original is not None and not notice:
        return revision.original  # an adopted file, as the old archive wrote it
    body = notice + flatten(with_images(revision, policy, revision.path))
    return format_article(
        ArticleFile(epoch_ms(revision.time), revision.title, revision.url or "", body)
    )


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


def render_readme(names: Sequence[str]) -> str:
    links = "".join(f"- [{escape_title(name)}]({quote(list_file(name))})\n" for name in names)
    return f"# News mirror\n\nArticles by source, newest first:\n\n{links}"
