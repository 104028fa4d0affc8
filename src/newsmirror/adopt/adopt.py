"""Adopting an archive written by the old mirror scripts: it enters the record exactly as it is.

Each ``articles/{folder}/**.md`` file becomes revision 1 of an article whose mirror file is that
file, kept byte for byte (the record holds its text), so every link keeps working; its body is
sanitized for the record like any other. Two files with one URL are one article, the second kept
as a copy. The lists and the README are recorded as they were (``record/adopted.py``) and
carried on from there (``render/adopted_lists.py``). Each folder becomes a source, matched to its
list by the list's links: a configured source of that folder or that list name takes it, else a
disabled source is added.

Everything is read and checked before anything is written: a refusal leaves nothing behind.
Adopting twice adds nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from newsmirror.adopt.scan import OldArticle, Scan, read_article, scan, why
from newsmirror.archive.archive import Archive
from newsmirror.clean import plain_text, sanitize
from newsmirror.errors import ConfigError, RefusedInput
from newsmirror.project.files import write_if_changed
from newsmirror.project.projector import project_pending
from newsmirror.record.adopted import COPY, LIST, README, AdoptedFile, append_adopted, read_adopted
from newsmirror.record.fingerprint import reading_hash
from newsmirror.record.identity import PATH_KEY, article_id, identity_keys
from newsmirror.record.model import Revision, iso
from newsmirror.settings.config import load_settings
from newsmirror.settings.configfile import ConfigEditor
from newsmirror.settings.sources import Source
from newsmirror.text.urls import is_http, normalize_url, url_key


@dataclass
class Adoption:
    adopted: int = 0
    already: int = 0
    copies: int = 0  # files that share their URL with another: kept, as copies of its article
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    added: list[Source] = field(default_factory=list)  # sources added (disabled)


# Articles read, recorded and let go at a time: an archive of any size fits in memory.
CHUNK = 1000


@dataclass(frozen=True)
class FileToAdopt:
    """An old file that becomes an article: what it said when read, and where it goes."""

    article: OldArticle
    source: str
    url: str | None
    keys: tuple[str, ...]


def adopt(archive: Archive, old: Path, now: datetime | None = None) -> Adoption:
    now = now or datetime.now(UTC)
    old = Path(old).absolute()
    max_bytes = archive.settings.mirror.adopt_max_bytes
    found = scan(old, max_bytes, now)
    old = old.resolve()
    in_place = old == archive.root
    result = Adoption(skipped=found.skipped)
    owners, editor = _sources(archive, found, result)
    recorded = read_adopted(archive.root)
    planned, copies = _plan(archive, old, found, owners, recorded, result, now)
    files = _adopted_files(found, owners, recorded) + copies
    if not in_place:
        _check_free(archive.root, old, [p.article.path for p in planned])
        _check_free(archive.root, old, [f.path for f in copies])
    # Everything is checked: now write, the configuration first (it validates as it saves).
    if result.added:
        editor.save()
        archive.settings = load_settings(archive.root)  # with the environment's overrides
    for start in range(0, len(planned), CHUNK):
        batch = []
        for plan in planned[start : start + CHUNK]:
            try:
                article, text, body = read_article(
                    old, plan.article.folder, plan.article.path, max_bytes, now
                )
            except (OSError, UnicodeDecodeError, ValueError) as error:
                result.skipped.append((plan.article.path, why(error)))
                continue
            if article != plan.article:
                result.skipped.append((plan.article.path, "it changed while it was adopted"))
                continue
            batch.append(_revision(archive, plan, text, body, now))
        if batch:
            archive.append(batch)
        result.adopted += len(batch)
    append_adopted(archive.root, files)
    if not in_place:
        for adopted in files:
            write_if_changed(
                archive.root / adopted.path, adopted.text.encode(), within=archive.root
            )
    project_pending(archive)
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


def _plan(
    archive: Archive,
    old: Path,
    found: Scan,
    owners: dict[str, str],
    recorded: dict[str, AdoptedFile],
    result: Adoption,
    now: datetime,
) -> tuple[list[FileToAdopt], list[AdoptedFile]]:
    """The files that become new articles, and the copies (a second file with an article's
    URL, kept as it is); files adopted before are counted and left."""
    planned: list[FileToAdopt] = []
    copies: list[AdoptedFile] = []
    planned_by_key: dict[str, int] = {}  # identity key -> index in planned
    max_bytes = archive.settings.mirror.adopt_max_bytes
    for article in found.articles:
        abbr = owners[article.folder]
        url = _web_url(article.url)
        keys = identity_keys(abbr, url, None if url else article.path)
        known = archive.store.find(keys)
        if article.path in recorded or archive.store.path_taken(article.path):
            result.already += 1
        elif known or keys[0] in planned_by_key:
            if known:
                owner = known.article
            else:  # the copy's path leads to its article too (show, diff, the reader)
                index = planned_by_key[keys[0]]
                first = planned[index]
                planned[index] = replace(first, keys=(*first.keys, PATH_KEY + article.path))
                owner = article_id(keys[0])
            _, text, _ = read_article(old, article.folder, article.path, max_bytes, now)
            copies.append(AdoptedFile(article.path, COPY, text, abbr, owner))
            result.copies += 1
        else:
            planned_by_key[keys[0]] = len(planned)
            planned.append(FileToAdopt(article, abbr, url, keys))
    return planned, copies


def _revision(archive: Archive, plan: FileToAdopt, text: str, body: str, now: datetime) -> Revision:
    article = plan.article
    html = sanitize(body, plan.url)
    hash_ = reading_hash(article.title, html, archive.policy)
    published = iso(article.published) if article.published else None
    return Revision(
        article=article_id(plan.keys[0]),
        rev=1,
        source=plan.source,
        path=article.path,
        url=plan.url,
        guid=None,
        title=article.title,
        published=published,
        updated=None,
        # Re-checks count from the article's first appearance as the old archive knew it.
        first_seen=published or iso(now),
        fetched=iso(now),
        html=html,
        text=plain_text(html),
        hash=hash_,
        keys=plan.keys,
        origin="adopted",
        feed_hash=hash_,
        original=text,
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


def _check_free(root: Path, old: Path, paths: list[str]) -> None:
    """Refuse to adopt into paths that hold something else already."""
    for path in paths:
        target = root / path
        if target.is_symlink() or (
            target.exists() and target.read_bytes() != (old / path).read_bytes()
        ):
            raise RefusedInput(f"{target}: a different file is there already; nothing adopted")


def _web_url(url: str) -> str | None:
    """An old file's URL as a feed's is taken: normalized (control characters and spaces
    percent-encoded), http(s) only; None for anything else."""
    normalized = normalize_url(url)
    return normalized if normalized and is_http(normalized) and url_key(normalized) else None
