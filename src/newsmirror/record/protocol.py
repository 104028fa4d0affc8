"""What the archive and the caches that follow it (store.follow) need of the record, wherever
it is kept: in the archive's files (``log.RecordLog``, the default) or in the shared database
(``store.postgres.record.PostgresRecord``, when ``[store] url`` is set).

Either way the record is a set of logical files ``record/{abbr}/{YYYY-MM}.jsonl`` of JSON
lines in the order they were recorded, and a position in a file is a number that grows along
it (a byte offset in files, a row's ``seq`` in the database) which only the record interprets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol

from newsmirror.record.log import Entry, Unread
from newsmirror.record.model import Revision


class Record(Protocol):
    """The append-only record. Methods may raise RecordError (files) or StoreError (the
    database), and nothing else."""

    def file_for(self, revision: Revision) -> str:
        """The record file ``revision`` belongs in."""
        ...

    def files(self) -> list[str]:
        """Every record file, in a stable order (source, then month)."""
        ...

    def unread(self, read_to: Mapping[str, int]) -> Unread:
        """The files with lines past ``read_to`` (file -> position read to), from there."""
        ...

    def append(self, revisions: Iterable[Revision]) -> list[Entry]:
        """Record ``revisions`` durably, all or none; where each one landed."""
        ...

    def read(self, file: str, offset: int = 0) -> Iterator[Entry]:
        """The revisions of ``file`` from position ``offset``, in order."""
        ...

    def read_at(self, file: str, offset: int) -> Revision:
        """The one revision whose line starts at ``offset`` of ``file``."""
        ...

    def read_all(self) -> Iterator[Entry]:
        """Every revision, file by file."""
        ...
