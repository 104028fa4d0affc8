"""Adopting an archive written by the old mirror scripts: it enters the record exactly as it is.

Each ``articles/{folder}/**.md`` file becomes revision 1 of an article whose mirror file is that
file, kept byte for byte (the record holds its text), so every link keeps working; its body is
sanitized for the record like any other. Two files with one URL are one article, the second kept
as a copy. The lists and the README are recorded as they were and carried on from there
(``project/adopted.py``). Each folder becomes a source, matched to its list by the list's links:
a configured source of that folder or that list name takes it, else a disabled source is added.

Everything is read and checked before anything is written: a refusal leaves nothing behind.
Adopting twice adds nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .adopt_scan import OldArticle, Scan, scan
from .archive import Archive
from .clean import plain_text, sanitize
from .config import Source
from .configfile import ConfigEditor
from .decide import article_id, identity_keys
from .errors import ConfigError, RefusedInput
from .project.adopted import COPY, LIST, README, AdoptedFile, append_adopted, read_adopted
from .project.mirror import write_if_changed
from .project.projector import project_pending
from .record.fingerprint import reading_hash
from .record.model import Revision, iso
from .urls import url_key


@dataclass
class Adoption:
    adopted: int = 0
    already: int = 0
    copies: int = 0  # files that share their URL with another: kept, as copies of its article
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    added: list[Source] = field(default_factory=list)  # sources added (disabled)


def adopt(archive: Archive, old: Path, now: datetime | None = None) -> Adoption:
    now = now or datetime.now(UTC)
    old = Path(old).absolute()
    found = scan(old, archive.settings.mirror.adopt_max_bytes, now)
    old = old.resolve()
    in_place = old == archive.root
    result = Adoption(skipped=found.skipped)
    owners, editor = _sources(archive, found, result)
    recorded = read_adopted(archive.root)
    batch, copies = _revisions(archive, found, owners, recorded, now, result)
    files = _adopted_files(found, owners, recorded) + copies
    if not in_place:
        _check_free(archive.root, [(r.path, r.original or "") for r in batch])
        _check_free(archive.root, [(f.path, f.text) for f in copies])
    # Everything is checked: now write, the configuration first (it validates as it saves).
    if result.added:
        archive.settings = editor.save()
    if batch:
        archive.append(batch)
    append_adopted(archive.root, files)
    if not in_place:
        for adopted in files:
            write_if_changed(archive.root / adopted.path, adopted.text.encode())
    project_pending(archive)
    result.adopted = len(batch)
    return result


def _sources(
    archive: Archive, found: Scan, result: Adoption
) -> tuple[dict[str, str], ConfigEditor]:
    """Which source each folder's articles go to (folder -> abbr), adding the missing ones."""
    configured = archive.settings.sources
    by_abbr = {s.abbr: s for s in configured}
    by_name = {s.name: s for s in configured}
    names = set(by_name)
    editor = ConfigEditor(archive.root)
    owners: dict[str, str] = {}
    for folder in sorted({article.folder for article in found.articles}):
        list_path = found.list_of.get(folder)
        list_name = list_path.removeprefix("lists/").removesuffix(".md") if list_path else None
        if folder in by_abbr:
            owners[folder] = folder
        elif list_name and list_name in by_name:
            owners[folder] = by_name[list_name].abbr
        else:
            name = list_name or folder
            if name in names:
                name = f"{name} ({folder})"
            names.add(name)
            source = Source(name, folder, "", enabled=False)
            try:
                editor.add(source)
            except ConfigError as error:
                raise RefusedInput(f"articles/{folder}: cannot become a source: {error}") from None
            result.added.append(source)
            owners[folder] = folder
    return owners, editor


def _revisions(
    archive: Archive,
    found: Scan,
    owners: dict[str, str],
    recorded: dict[str, AdoptedFile],
    now: datetime,
    result: Adoption,
) -> tuple[list[Revision], list[AdoptedFile]]:
    """Revision 1 of each new article, and the copies (a second file with an article's URL)."""
    batch: list[Revision] = []
    copies: list[AdoptedFile] = []
    planned: dict[str, str] = {}  # identity key -> article id, for this adoption
    for article in found.articles:
        abbr = owners[article.folder]
        url = article.url if _is_web_url(article.url) else None
        keys = identity_keys(abbr, url, None if url else article.path)
        known = archive.store.find(keys)
        if article.path in recorded or archive.store.path_taken(article.path):
            result.already += 1
        elif known or keys[0] in planned:
            owner = known.article if known else planned[keys[0]]
            copies.append(AdoptedFile(article.path, COPY, article.text, abbr, owner))
            result.copies += 1
        else:
            planned[keys[0]] = article_id(keys[0])
            batch.append(_revision(archive, article, abbr, url, keys, now))
    return batch, copies


def _revision(
    archive: Archive,
    article: OldArticle,
    abbr: str,
    url: str | None,
    keys: tuple[str, ...],
    now: datetime,
) -> Revision:
    html = sanitize(article.body, url)
    # Re-checks count from the article's first appearance as the old archive knew it.
    first_seen = iso(article.published or now)
    hash_ = reading_hash(article.title, html, archive.policy)
    return Revision(
        article=article_id(keys[0]),
        rev=1,
        source=abbr,
        path=article.path,
        url=url,
        guid=None,
        title=article.title,
        published=iso(article.published) if article.published else None,
        updated=None,
        first_seen=first_seen,
        fetched=iso(now),
        html=html,
        text=plain_text(html),
        hash=hash_,
        keys=keys,
        origin="adopted",
        feed_hash=hash_,
        original=article.text,
    )


def _adopted_files(
    found: Scan, owners: dict[str, str], recorded: dict[str, AdoptedFile]
) -> list[AdoptedFile]:
    """The lists (a source's, or kept as they are) and the README, unless recorded already."""
    has_list = {f.source for f in recorded.values() if f.kind == LIST}
    source_of = {path: owners[folder] for folder, path in found.list_of.items()}
    files = []
    for path, text in found.lists.items():
        source = source_of.get(path)
        if path in recorded or (source and source in has_list):
            continue
        files.append(AdoptedFile(path, LIST if source else COPY, text, source or ""))
    if found.readme is not None and "README.md" not in recorded:
        files.append(AdoptedFile("README.md", README, found.readme))
    return files


def _check_free(root: Path, files: list[tuple[str, str]]) -> None:
    """Refuse to adopt into paths that hold something else already."""
    for path, text in files:
        target = root / path
        if target.is_symlink() or (target.exists() and target.read_bytes() != text.encode()):
            raise RefusedInput(f"{target}: a different file is there already; nothing adopted")


def _is_web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://")) and bool(url_key(url))
