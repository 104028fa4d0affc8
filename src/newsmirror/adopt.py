"""Adopting an archive written by the old mirror scripts: its files enter the record as they are.

Each ``articles/{abbr}/**.md`` file becomes revision 1 of an article whose mirror path is the
file's own path, so every existing link keeps working; new articles of the same source follow
newsmirror's layout. Adopting twice adds nothing the second time.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .archive import Archive
from .clean import plain_text
from .config import ABBR_PATTERN
from .decide import article_id, identity_keys
from .record.fingerprint import content_hash
from .record.model import Revision, iso

ARTICLE_FILE = re.compile(
    r"<!--(?P<time>\d{1,15})-->\n\[(?P<title>(?:\\.|[^\\\]])*)\]\((?P<url>[^\n]*)\)\n-+\n\n?"
    r"(?P<body>.*?)\n?\Z",
    re.DOTALL,
)
LIST_LINK = re.compile(r"\]\(/?articles/([^/)]+)/")


@dataclass
class Adoption:
    adopted: int = 0
    already: int = 0
    unreadable: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # abbr -> list name


def list_names(old: Path) -> dict[str, str]:
    """abbr -> list name, read from the old archive's ``lists/{NAME}.md`` links."""
    names: dict[str, str] = {}
    for list_path in sorted((old / "lists").glob("*.md")):
        match = LIST_LINK.search(list_path.read_text(encoding="utf-8", errors="replace"))
        if match:
            names.setdefault(match[1], list_path.stem)
    return names


def article_files(old: Path) -> Iterator[tuple[str, Path]]:
    """(abbr, file) for every article file, oldest first where names count down."""
    for folder in sorted(p for p in (old / "articles").glob("*") if p.is_dir()):
        if ABBR_PATTERN.fullmatch(folder.name):
            files = sorted(folder.rglob("*.md"), key=lambda p: p.relative_to(folder).as_posix())
            for path in reversed(files):
                yield folder.name, path


def parse_article(text: str) -> tuple[int, str, str, str] | None:
    """(time in ms, title, url, body) of a mirror-format file, or None."""
    match = ARTICLE_FILE.fullmatch(text)
    if not match:
        return None
    title = re.sub(r"\\([\\\[\]])", r"\1", match["title"])
    return int(match["time"]), title, match["url"].strip(), match["body"]


def adopt(archive: Archive, old: Path, now: datetime | None = None) -> Adoption:
    now = now or datetime.now(UTC)
    old = old.resolve()
    result = Adoption(sources=list_names(old))
    batch: list[Revision] = []
    claimed: set[str] = set()
    for abbr, path in article_files(old):
        relative = path.relative_to(old).as_posix()
        try:
            parsed = parse_article(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            parsed = None
        if parsed is None:
            result.unreadable.append(relative)
            continue
        time_ms, title, url, body = parsed
        try:
            published = datetime.fromtimestamp(time_ms / 1000, UTC)
        except (ValueError, OverflowError, OSError):  # not a time any article was written at
            result.unreadable.append(relative)
            continue
        keys = identity_keys(abbr, url or None, None if url else relative)
        if archive.store.find(keys) or archive.store.path_taken(relative) or keys[0] in claimed:
            result.already += 1
            continue
        claimed.update(keys)
        moment = iso(published)
        batch.append(
            Revision(
                article=article_id(keys[0]),
                rev=1,
                source=abbr,
                path=relative,
                url=url or None,
                guid=None,
                title=title,
                published=moment,
                updated=None,
                first_seen=moment,
                fetched=iso(now),
                html=body,
                text=plain_text(body),
                hash=content_hash(title, body, archive.policy),
                keys=keys,
                origin="adopted",
            )
        )
        result.sources.setdefault(abbr, abbr)
        if old != archive.root:
            target = archive.root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                shutil.copy2(path, target)
    if batch:
        archive.append(batch)
    result.adopted = len(batch)
    return result
