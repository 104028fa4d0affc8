"""Revisions as documents to index: folded and cut into terms, in worker processes for a backlog.

Reading the record and cutting text into terms costs about as much CPU as SQLite spends
indexing the terms, so a large catch-up (a first build, ``rebuild``) hands whole byte ranges of
record files to other processes while this one writes what they return.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import NamedTuple

from newsmirror.pools import process_pool
from newsmirror.record.log import Entry, RecordLog
from newsmirror.record.model import Revision, epoch_ms
from newsmirror.search.text import index_form
from newsmirror.text.dateline import text_without_date_line

RANGE_BYTES = 8 << 20  # of record read at a time: some 1,000 articles
# Record read ahead of the writer: more than it writes in one transaction (index.TRANSACTION),
# so the workers never wait for it.
READ_AHEAD_BYTES = 96 << 20


class Document(NamedTuple):
    article: str
    rev: int
    change: str
    source: str
    time_ms: int
    file: str
    offset: int
    end: int
    title: bytes  # text.index_form
    body: bytes


def indexed(revision: Revision) -> tuple[bytes, bytes]:
    """The title and body a revision's document holds, in index form. The body's date line is
    the header's: indexed, ``GMT`` or ``2025`` would find every article."""
    return index_form(revision.title), index_form(text_without_date_line(revision.text))


def _document(entry: Entry) -> Document:
    r = entry.revision
    where = (entry.file, entry.offset, entry.end)
    title, body = indexed(r)
    return Document(r.article, r.rev, r.change, r.source, epoch_ms(r.time), *where, title, body)


def documents(entries: Sequence[Entry]) -> list[Document]:
    return [_document(entry) for entry in entries]


def read_documents(root: Path, file: str, start: int, end: int) -> list[Document]:
    """The documents of the lines of ``file`` from byte ``start`` to ``end``."""
    found = []
    for entry in RecordLog(root).read(file, start):
        if entry.offset >= end:
            break
        found.append(_document(entry))
    return found


def line_ranges(log: RecordLog, file: str, start: int) -> Iterator[tuple[int, int]]:
    """``file`` from ``start`` to its end as (start, end) ranges of whole lines."""
    size = log.size(file)
    with open(log.root / file, "rb") as handle:
        while start < size:
            handle.seek(min(start + RANGE_BYTES, size))
            handle.readline()  # to the start of the next line
            end = min(handle.tell(), size)
            yield start, end
            start = end


def documents_of(
    log: RecordLog, ranges: Sequence[tuple[str, int, int]], workers: int
) -> Iterator[list[Document]]:
    """The documents of each (file, start, end), in order; ``workers`` processes do the reading
    and cutting (0: this one)."""
    if workers == 0:
        for file, start, end in ranges:
            yield read_documents(log.root, file, start, end)
        return
    with process_pool(workers, preload=[__name__]) as pool:
        pending: deque[tuple[int, Future[list[Document]]]] = deque()
        ahead = 0
        for file, start, end in ranges:
            pending.append((end - start, pool.submit(read_documents, log.root, file, start, end)))
            ahead += end - start
            while ahead > READ_AHEAD_BYTES:
                size, future = pending.popleft()
                ahead -= size
                yield future.result()
        for _, future in pending:
            yield future.result()
