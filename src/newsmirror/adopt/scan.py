"""Reading an old mirror archive for ``adopt``, and nothing else: no file is written here.

Only regular files inside the archive are read: symbolic links are never followed, devices,
FIFOs and sockets never opened, and a file larger than the cap is not read at all. Every file
under ``articles/`` comes back either readable (with what it says; its text is read again when
it is recorded, so that an archive of any size is never held in memory) or skipped with the
reason.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from newsmirror.errors import RefusedInput
from newsmirror.record.model import plausible
from newsmirror.render import mirror_format
from newsmirror.settings.sources import valid_abbr

# A list's link to an article file: (/articles/{folder}/...), (articles/{folder}/...), or a
# full URL of the archive's host with the same path; the folder may be percent-encoded.
LIST_LINK = re.compile(r"\]\((?:[^)\s]*/)?articles/([^/)\s]+)/")
# Old archives are flat or dated (YYYY/MM/); deeper trees, or paths longer than this, would not
# fit under the static site's folder on common file systems.
MAX_DEPTH = 16
MAX_PATH_BYTES = 1024
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
NOT_UTF8 = re.compile(
    r"[\ud800-\udfff]"
)  # the bytes of a name that is not UTF-8, as Python keeps them


@dataclass(frozen=True)
class OldArticle:
    folder: str  # the source's folder under articles/
    path: str  # relative to the old archive's root
    published: datetime | None  # None when the file's time is not a plausible date
    title: str
    url: str


@dataclass
class Scan:
    articles: list[OldArticle] = field(default_factory=list)  # oldest first
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    lists: dict[str, str] = field(default_factory=dict)  # lists/{NAME}.md -> text
    list_of: dict[str, str] = field(default_factory=dict)  # folder -> its list's path
    readme: str | None = None


def scan(old: Path, max_bytes: int, now: datetime) -> Scan:
    """Everything ``adopt`` needs from ``old``; refuses (one line) an archive it cannot read."""
    check_folder(old)
    result = Scan()
    articles = old / "articles"
    try:
        folders = _entries(articles)
    except OSError as error:
        raise RefusedInput(f"{articles}: cannot read: {error.strerror}") from None
    for entry in folders:
        relative = f"articles/{entry.name}"
        if not entry.is_dir(follow_symlinks=False):
            result.skipped.append((relative, _not_a_folder(entry)))
            continue
        reason = None if valid_abbr(entry.name) else "the folder's name cannot name a source"
        _scan_folder(old, Path(entry.path), entry.name, reason, max_bytes, now, result)
    result.articles.sort(key=lambda a: (a.published or now, a.path))
    _read_lists(old, max_bytes, result)
    readme = old / "README.md"
    if readme.is_file() and not readme.is_symlink():
        try:
            result.readme = _read(readme, max_bytes).decode("utf-8")
        except (OSError, UnicodeDecodeError, ValueError) as error:
            result.skipped.append(("README.md", why(error)))
    return result


def check_folder(old: Path) -> None:
    """Refuse a path that cannot be an old archive: missing, not a folder, no ``articles/``."""
    if not old.exists():
        raise RefusedInput(f"{old}: no such folder; give the path of an old mirror archive")
    if not old.is_dir():
        raise RefusedInput(f"{old}: not a folder; give the path of an old mirror archive")
    articles = old / "articles"
    if articles.is_symlink() or not articles.is_dir():
        raise RefusedInput(f"{articles}: no articles/ folder here; is this an old mirror archive?")
    if not os.access(articles, os.R_OK | os.X_OK):
        raise RefusedInput(f"{articles}: not readable; check its permissions")


def _scan_folder(
    old: Path,
    top: Path,
    abbr: str,
    refused: str | None,
    max_bytes: int,
    now: datetime,
    result: Scan,
) -> None:
    """Every file under a source's folder, down to ``MAX_DEPTH`` folders."""
    folders = [(top, 0)]
    while folders:
        folder, depth = folders.pop()
        if depth > MAX_DEPTH:
            reason = f"nested deeper than {MAX_DEPTH} folders; not read"
            result.skipped.append((folder.relative_to(old).as_posix(), reason))
            continue
        try:
            entries = _entries(folder)
        except OSError as error:
            result.skipped.append((folder.relative_to(old).as_posix(), why(error)))
            continue
        for entry in entries:
            relative = Path(entry.path).relative_to(old).as_posix()
            if entry.is_dir(follow_symlinks=False):
                folders.append((Path(entry.path), depth + 1))
            elif refused:
                result.skipped.append((relative, refused))
            elif not entry.is_file(follow_symlinks=False):
                result.skipped.append((relative, _not_a_folder(entry)))
            elif not entry.name.endswith(".md"):
                result.skipped.append((relative, "not a Markdown file"))
            elif bad := _bad_name(relative):
                result.skipped.append((relative, bad))
            elif len(relative.encode()) > MAX_PATH_BYTES:
                result.skipped.append((relative, f"its path is over {MAX_PATH_BYTES} bytes"))
            else:
                try:
                    article, _, _ = read_article(old, abbr, relative, max_bytes, now)
                except (OSError, UnicodeDecodeError, ValueError) as error:
                    result.skipped.append((relative, why(error)))
                    continue
                result.articles.append(article)


def read_article(
    old: Path, folder: str, path: str, max_bytes: int, now: datetime
) -> tuple[OldArticle, str, str]:
    """What an article file says, its text and its body; ValueError when it is not in the
    mirror format, OSError or UnicodeDecodeError when it cannot be read as text."""
    text = _read(old / path, max_bytes).decode("utf-8")
    found = mirror_format.parse_article(text)
    if found is None:
        raise ValueError("not in the mirror format")
    article = OldArticle(folder, path, plausible(found.moment, now), found.title, found.url)
    return article, text, found.body


def _read_lists(old: Path, max_bytes: int, result: Scan) -> None:
    """The lists, and for each folder the list that links to it most."""
    lists = old / "lists"
    if lists.is_symlink() or not lists.is_dir():
        return
    links: dict[str, Counter[str]] = {}
    try:
        entries = _entries(lists)
    except OSError as error:
        result.skipped.append(("lists", f"cannot read: {error.strerror}"))
        return
    for entry in entries:
        relative = f"lists/{entry.name}"
        if not entry.name.endswith(".md"):
            continue
        if bad := _bad_name(entry.name):
            result.skipped.append((relative, bad))
            continue
        if not entry.is_file(follow_symlinks=False):
            result.skipped.append((relative, _not_a_folder(entry)))
            continue
        try:
            text = _read(Path(entry.path), max_bytes).decode("utf-8")
        except (OSError, UnicodeDecodeError, ValueError) as error:
            result.skipped.append((relative, why(error)))
            continue
        result.lists[relative] = text
        links[relative] = Counter(unquote(folder) for folder in LIST_LINK.findall(text))
    folders = {article.folder for article in result.articles}
    ranked = sorted(
        ((count, path, folder) for path, found in links.items() for folder, count in found.items()),
        key=lambda row: (-row[0], row[1]),
    )
    for _, path, folder in ranked:
        if (
            folder in folders
            and folder not in result.list_of
            and path not in result.list_of.values()
        ):
            result.list_of[folder] = path


def _bad_name(name: str) -> str | None:
    """Why a file's name cannot go into the record, the lists and git, or None when it can."""
    if CONTROL.search(name):
        return "its name has control characters"
    if NOT_UTF8.search(name):
        return "its name is not UTF-8"
    return None


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as found:
        return sorted(found, key=lambda entry: entry.name)


def _read(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes: opened without following a link or blocking on a FIFO, and
    checked again once open (it may have been swapped since it was listed)."""
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > max_bytes:
            raise ValueError(f"larger than [mirror] adopt_max_bytes ({max_bytes} bytes)")
        with os.fdopen(handle, "rb", closefd=False) as file:
            data = file.read(max_bytes + 1)
    finally:
        os.close(handle)
    if len(data) > max_bytes:
        raise ValueError(f"larger than [mirror] adopt_max_bytes ({max_bytes} bytes)")
    return data


def _not_a_folder(entry: os.DirEntry[str]) -> str:
    if entry.is_symlink():
        return "a symbolic link; links are not followed"
    if entry.is_file(follow_symlinks=False):
        return "not in a source's folder"
    return "not a regular file (a device, FIFO or socket)"


def why(error: Exception) -> str:
    """The reason a file was skipped, from what reading it raised."""
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(error, OSError):
        return f"cannot read: {error.strerror}"
    return str(error)
