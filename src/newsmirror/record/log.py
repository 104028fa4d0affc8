"""The record on disk: append-only JSON Lines, one file per source and month.

``record/{abbr}/{YYYY-MM}.jsonl`` holds one ``Revision`` per line, in the order they were
recorded (the month is when a revision was fetched). Plain text files diff and merge well in git
and can be read with any tool.

Crash safety: a batch is written with one ``write`` and made durable with ``fsync`` before
anything derived from it (index, mirror files, git) is touched. A process killed mid-write can
leave at most one torn line at the end of one file; readers skip it and the next append cuts it
off before writing, so a torn line is never followed by good ones and nothing recorded is lost.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from newsmirror.errors import RecordError
from newsmirror.record.model import Revision, parse_iso

RECORD_DIR = "record"


@dataclass(frozen=True)
class Entry:
    """A revision and where its line sits in the record: in files, the byte offsets of the
    line and past its newline; in the shared database (store.postgres.record), its row's
    ``seq`` and ``seq + 1``. Either way ``end`` is the position a follower has read to."""

    revision: Revision
    file: str  # the (logical) record file, relative to the archive root
    offset: int  # where the line starts
    end: int  # where the next line starts


@dataclass(frozen=True)
class Unread:
    """What an index of the record has yet to read, given how far it read each file."""

    restart: bool  # a file shrank or went away (replaced from git, say): read all again
    files: tuple[tuple[str, int], ...]  # (file, byte offset to read from), files with more


def record_file(revision: Revision) -> str:
    """The record file a revision belongs in: its source's, of the month it was fetched."""
    month = parse_iso(revision.fetched).strftime("%Y-%m")
    return f"{RECORD_DIR}/{revision.source}/{month}.jsonl"


def unread_of(sizes: Mapping[str, int], read_to: Mapping[str, int]) -> Unread:
    """What a follower that read ``read_to`` (file -> position) has yet to read of a record
    whose files reach ``sizes`` (file -> position past its end), in the order of ``sizes``."""
    restart = any(read_to.get(f, 0) > size for f, size in sizes.items()) or bool(
        set(read_to) - set(sizes)
    )
    done = {} if restart else read_to
    return Unread(
        restart,
        tuple((f, done.get(f, 0)) for f, size in sizes.items() if size > done.get(f, 0)),
    )


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class RecordLog:
    """The record in the archive's files (record.protocol.Record): positions are bytes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.directory = root / RECORD_DIR

    def file_for(self, revision: Revision) -> str:
        return record_file(revision)

    def files(self) -> list[str]:
        """Every record file, in a stable order (source, then month)."""
        if not self.directory.is_dir():
            return []
        return sorted(
            path.relative_to(self.root).as_posix() for path in self.directory.glob("*/*.jsonl")
        )

    def size(self, file: str) -> int:
        try:
            return (self.root / file).stat().st_size
        except FileNotFoundError:
            return 0

    def unread(self, read_to: Mapping[str, int]) -> Unread:
        """The files with lines past ``read_to`` (file -> bytes read), from there."""
        return unread_of({file: self.size(file) for file in self.files()}, read_to)

    def append(self, revisions: Iterable[Revision]) -> list[Entry]:
        """Append revisions durably; returns where each one landed."""
        by_file: dict[str, list[Revision]] = {}
        for revision in revisions:
            by_file.setdefault(self.file_for(revision), []).append(revision)
        entries: list[Entry] = []
        for file, batch in by_file.items():
            entries.extend(self._append_file(file, batch))
        return entries

    def _append_file(self, file: str, batch: list[Revision]) -> list[Entry]:
        path = self.root / file
        created = not path.exists()
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [(revision, (revision.to_json() + "\n").encode()) for revision in batch]
        try:
            with open(path, "ab+") as handle:
                offset = self._cut_torn_tail(handle)
                handle.write(b"".join(line for _, line in lines))
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise RecordError(
                f"{path}: cannot append to the record: {error.strerror}; free space or fix the "
                "disk and run again (what was recorded is kept)"
            ) from None
        if created:
            _fsync_dir(path.parent)
        entries = []
        for revision, line in lines:
            entries.append(Entry(revision, file, offset, offset + len(line)))
            offset += len(line)
        return entries

    @staticmethod
    def _cut_torn_tail(handle: BinaryIO) -> int:
        """Truncate a line left unfinished by a crash; returns the end of the good data."""
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return 0
        chunk = 1 << 16
        position = size
        while position > 0:
            start = max(0, position - chunk)
            handle.seek(start)
            data = handle.read(position - start)
            if position == size and data.endswith(b"\n"):
                return size
            newline = data.rfind(b"\n")
            if newline >= 0:
                good = start + newline + 1
                handle.truncate(good)
                return good
            position = start
        handle.truncate(0)
        return 0

    def read(self, file: str, offset: int = 0) -> Iterator[Entry]:
        """The revisions of ``file`` from byte ``offset``; a torn last line is skipped."""
        path = self.root / file
        try:
            with open(path, "rb") as handle:
                handle.seek(offset)
                position = offset
                for line in handle:
                    end = position + len(line)
                    if not line.endswith(b"\n"):
                        return  # torn by a crash; the next append removes it
                    try:
                        revision = Revision.from_json(line)
                    except RecordError as error:
                        raise RecordError(f"{file} at byte {position}: {error}") from None
                    yield Entry(revision, file, position, end)
                    position = end
        except FileNotFoundError:
            return

    def lines(self, file: str) -> Iterator[str]:
        """The whole lines of ``file`` as written, without their newlines (a torn last line
        is skipped): what a copy of the record carries byte for byte."""
        try:
            with open(self.root / file, "rb") as handle:
                for number, line in enumerate(handle, 1):
                    if not line.endswith(b"\n"):
                        return
                    try:
                        yield line[:-1].decode()
                    except UnicodeDecodeError:
                        raise RecordError(f"{file} line {number}: not UTF-8") from None
        except FileNotFoundError:
            return

    def read_at(self, file: str, offset: int) -> Revision:
        """The one revision whose line starts at ``offset``."""
        with open(self.root / file, "rb") as handle:
            handle.seek(offset)
            return Revision.from_json(handle.readline())

    def read_all(self) -> Iterator[Entry]:
        for file in self.files():
            yield from self.read(file)
