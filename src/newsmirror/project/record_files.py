"""The record's files in the working tree of an archive whose record is kept in the shared
database: the same ``record/{abbr}/{YYYY-MM}.jsonl`` a plain archive commits, line for line,
so that the published repository is a whole archive (a clone of it opens and rebuilds without
the database). A file is written whole from the database's rows, in their order, whenever an
article with a revision in it is published: a row that became visible late (transactions
commit out of order) is in its place by the next publication."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from newsmirror.archive.archive import Archive
from newsmirror.project.files import write_if_changed
from newsmirror.project.projector import Written
from newsmirror.store.postgres.record import PostgresRecord


def project_record_files(
    record: PostgresRecord, root: Path, files: Iterable[str], written: Written | None = None
) -> int:
    """Write each of ``files`` as ``record`` has them into the archive at ``root``, line for
    line as recorded; how many changed."""
    changed = 0
    for file in sorted(set(files)):
        data = "".join(line + "\n" for line in record.lines(file)).encode()
        if write_if_changed(root / file, data, within=root):
            changed += 1
            if written:
                written(file, data)
    return changed


def project_record(
    archive: Archive, articles: Iterable[str], written: Written | None = None
) -> int:
    """The record files of ``articles`` (just projected), when the record is not in files of
    the tree already; how many changed."""
    if not isinstance(archive.log, PostgresRecord):
        return 0  # the record is the tree's own files
    files = archive.log.files_of(articles)
    return project_record_files(archive.log, archive.root, files, written)
