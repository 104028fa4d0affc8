"""Bring every projection in line with the record: article files, lists, README.

A run writes each article's file as soon as its revision is recorded (overlapping the
fetching and parsing of other feeds), and the lists at the end. Which articles still need
their file is tracked in the index (``projected_rev``), so a run killed half-way finishes the
work on the next run; ``rebuild`` marks everything as behind and projects it all again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsmirror.archive.archive import Archive
from newsmirror.archive.library import source_names
from newsmirror.project.files import write_if_changed
from newsmirror.record.adopted import COPY, LIST, AdoptedFile, read_adopted
from newsmirror.record.model import Revision, RevisionKind
from newsmirror.render.adopted_lists import carry_on_list, carry_on_readme
from newsmirror.render.mirror_format import (
    list_item,
    render_article,
    render_list,
    render_notice,
    render_readme,
    render_removal,
)
from newsmirror.render.paths import ARTICLES_DIR, LISTS_DIR, README_FILE, list_file, version_path
from newsmirror.store.model import Pending
from newsmirror.text.escaping import escape_title, path_target


@dataclass
class Projected:
    articles: int = 0
    files_changed: int = 0
    shown: list[tuple[str, int]] = field(default_factory=list)  # (article, rev) now in its file
    new: Counter[str] = field(default_factory=Counter)  # per source: first revisions projected
    revised: Counter[str] = field(default_factory=Counter)  # per source: later ones

    def add(self, other: Projected) -> None:
        self.articles += other.articles
        self.files_changed += other.files_changed
        self.shown += other.shown
        self.new.update(other.new)
        self.revised.update(other.revised)


Written = Callable[[str, bytes], None]  # told of each file written: path, content


def article_files(archive: Archive, revision: Revision) -> list[tuple[str, str]]:
    """(path, text) of an article's files: the latest version, and each earlier one beside it."""
    policy = archive.policy
    removal = (
        render_removal(revision, archive.tz) if revision.change == RevisionKind.REMOVED else ""
    )
    if revision.rev == 1:
        return [(revision.path, render_article(revision, policy))]
    earlier = [old for old in archive.revisions(revision.article) if old.rev < revision.rev]
    notice = removal + render_notice(revision, earlier, archive.tz)
    files = [(revision.path, render_article(revision, policy, notice))]
    files += [(version_path(old.path, old.rev), render_article(old, policy)) for old in earlier]
    return files


def project_articles(
    archive: Archive,
    revisions: Iterable[Revision],
    written: Written | None = None,
    *,
    note: bool = True,
) -> Projected:
    """Write the mirror file of each revision and, unless not ``note``, note it in the ledger
    (a publisher notes them only once they are committed: ``Projected.shown``)."""
    result = Projected()
    checked: set[Path] = set()  # folders found inside the archive
    for revision in revisions:
        for path, text in article_files(archive, revision):
            data = text.encode()
            if write_if_changed(archive.root / path, data, within=archive.root, checked=checked):
                result.files_changed += 1
                if written:
                    written(path, data)
        result.shown.append((revision.article, revision.rev))
        (result.new if revision.rev == 1 else result.revised)[revision.source] += 1
        result.articles += 1
    if note:
        archive.store.mark_projected(result.shown)
    return result


def project_pending(
    archive: Archive, written: Written | None = None, *, note: bool = True
) -> Projected:
    """Every article file that is behind the record (recorded by workers, after a rebuild or
    an interrupted run), then the lists and the README."""
    pending = archive.store.unprojected()
    result = _project_rows(archive, pending, written, note)
    result.files_changed += project_lists(archive)
    # Workers may have recorded while the lists were made: what the lists show has its file
    # too, so that no list links to a file the publication lacks.
    seen = set(pending)
    late = [row for row in archive.store.unprojected() if row not in seen]
    result.add(_project_rows(archive, late, written, note))
    return result


def _project_rows(
    archive: Archive, pending: list[Pending], written: Written | None, note: bool
) -> Projected:
    result = Projected()
    for start in range(0, len(pending), 500):
        batch = (archive.read(row) for row in pending[start : start + 500])
        result.add(project_articles(archive, batch, written, note=note))
    return result


def project_lists(archive: Archive) -> int:
    """The lists of sources that have articles, the README linking them, and the other files
    of an adopted archive (which carry on from what the old archive wrote)."""
    changed = 0
    size = archive.settings.mirror.list_size
    adopted = read_adopted(archive.root)
    old_lists = {f.source: f for f in adopted.values() if f.kind == LIST}
    lists = []
    for abbr, name in source_names(archive):
        old = old_lists.get(abbr)
        entries = archive.store.listed(abbr, size, adopted=old is None)
        if old is not None:
            # Entries the old list has already (an archive adopted after newsmirror ran in it)
            # are not put on top a second time.
            items = [
                list_item(entry, archive.tz)
                for entry in entries
                if f"(/{path_target(entry.path)})" not in old.text
            ]
            path, text = old.path, carry_on_list(old.text, items, size)
        elif archive.store.listed(abbr, 1, adopted=False):
            path, text = list_file(name), render_list(name, entries, archive.tz)
        else:
            continue  # no articles, or only adopted ones the old archive listed nowhere
        lists.append((name, path))
        changed += write_if_changed(archive.root / path, text.encode(), within=archive.root)
    for copy in (f for f in adopted.values() if f.kind == COPY):
        changed += write_if_changed(
            archive.root / copy.path, copy.text.encode(), within=archive.root
        )
    changed += write_if_changed(
        archive.root / README_FILE, readme(archive, adopted, lists).encode(), within=archive.root
    )
    return changed


def readme(archive: Archive, adopted: dict[str, AdoptedFile], lists: list[tuple[str, str]]) -> str:
    """The README: newsmirror's own, or the adopted one as its owner keeps it (the file as it
    is now, else as adopted) with its block of list links kept current."""
    old = adopted.get(README_FILE)
    if old is None:
        return render_readme([name for name, _ in lists])
    try:
        text = (archive.root / README_FILE).read_bytes().decode()
    except (OSError, UnicodeDecodeError):
        text = old.text
    return carry_on_readme(text, [(escape_title(name), path_target(path)) for name, path in lists])


def rebuild(archive: Archive) -> Projected:
    """Every projection again from the record; stray temporary files are removed first."""
    root = Path(archive.root)
    for pattern in (f"{ARTICLES_DIR}/**/.tmp-*.part", f"{LISTS_DIR}/.tmp-*.part", ".tmp-*.part"):
        for stray in root.glob(pattern):
            stray.unlink()
    archive.store.mark_all_unprojected()
    return project_pending(archive)
