"""Bring every projection in line with the record: article files, lists, README.

Which articles need their file written is tracked in the index (``projected_rev``), so a run
killed half-way through projecting finishes the work on the next run; ``rebuild`` marks
everything as behind and projects it all again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..archive import Archive
from ..record.model import Revision
from .mirror import list_file, render_article, render_list, render_readme, write_if_changed

README = "README.md"


@dataclass
class Projected:
    articles: int = 0
    files_changed: int = 0


def source_names(archive: Archive) -> list[tuple[str, str]]:
    """(abbr, list name) of every configured source, then of sources only the record knows."""
    named = [(s.abbr, s.name) for s in archive.settings.sources]
    known = {abbr for abbr, _ in named}
    named += [(abbr, abbr) for abbr in archive.store.sources_with_articles() if abbr not in known]
    return named


def project_pending(archive: Archive, fresh: Mapping[str, Revision] | None = None) -> Projected:
    """Write the file of every article whose latest revision is not yet in the mirror.

    ``fresh`` holds revisions this process just recorded, by article, to spare reading them
    back from the record; anything else pending (from an interrupted run) is read from it.
    """
    store, root = archive.store, archive.root
    fresh = fresh or {}
    result = Projected()
    done: list[str] = []
    for article, file, offset in store.unprojected():
        revision = fresh.get(article) or archive.log.read_at(file, offset)
        if write_if_changed(root / revision.path, render_article(revision, archive.policy)):
            result.files_changed += 1
        done.append(article)
        if len(done) >= 500:
            store.mark_projected(done)
            done.clear()
        result.articles += 1
    store.mark_projected(done)
    result.files_changed += project_lists(archive)
    return result


def project_lists(archive: Archive) -> int:
    changed = 0
    names = []
    for abbr, name in source_names(archive):
        entries = archive.store.listed(abbr, archive.settings.mirror.list_size)
        if not entries and abbr not in {s.abbr for s in archive.settings.sources}:
            continue
        names.append(name)
        changed += write_if_changed(
            archive.root / list_file(name), render_list(name, entries, archive.tz)
        )
    changed += write_if_changed(archive.root / README, render_readme(names))
    return changed


def rebuild(archive: Archive) -> Projected:
    """Every projection again from the record; stray temporary files are removed first."""
    root = Path(archive.root)
    for pattern in ("articles/**/.tmp-*.part", "lists/.tmp-*.part", ".tmp-*.part"):
        for stray in root.glob(pattern):
            stray.unlink()
    archive.store.mark_all_unprojected()
    return project_pending(archive)
