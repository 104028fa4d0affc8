"""How the archive's SQLite search index follows what a writer appends to the record.

Indexing cost a first run about as much as everything else it does on its main thread (cutting
terms, then FTS5 writing them), so it is taken out of that thread: what a pass appends is indexed
in one transaction when the index is next used or closed (in rowid order, ``SearchIndex``), and
once a pass has appended ``BACKGROUND`` revisions, another process catches the index up with the
record while this one goes on. Until the index is used again (``index``) this process keeps no
connection to it, and the other process is the index's only writer. The index is a cache of the
record: what a crash leaves unindexed, the next opening catches up.
"""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from newsmirror.pools import process_pool
from newsmirror.record.log import Entry, RecordLog
from newsmirror.search.index import SearchIndex
from newsmirror.store.follow import catch_up, follow

# Revisions appended in one pass past which the rest of its indexing moves to another process.
BACKGROUND = 2_000


def caught_up(path: Path, root: Path) -> int:
    """Open the index at ``path`` and catch it up with the record of ``root`` (in a worker)."""
    with SearchIndex(path, root=root) as index:
        return index.catch_up(RecordLog(root), workers=0)


class Following:
    """The search index at ``path`` (``index``, open and caught up) following a writer."""

    def __init__(self, index: SearchIndex, path: Path, root: Path) -> None:
        self._index: SearchIndex | None = index
        self.path = path
        self.root = root
        self._unindexed: list[Entry] = []
        self._appended = 0
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: list[Future[int]] = []

    def appended(self, entries: list[Entry]) -> None:
        """``entries`` were just appended to the record."""
        self._appended += len(entries)
        if self._pool is not None or self._appended >= BACKGROUND:
            self._hand_over()
        else:
            self._unindexed += entries

    def _hand_over(self) -> None:
        if self._pool is None:
            if self._index is not None:
                self._index.close()
                self._index = None
            self._unindexed = []  # the other process reads them from the record
            self._pool = process_pool(1, preload=[__name__])
        if not any(not job.running() and not job.done() for job in self._jobs):
            # One waiting job at most: it reads whatever the record has when it starts.
            self._jobs.append(self._pool.submit(caught_up, self.path, self.root))

    def _index_unindexed(self) -> None:
        if self._unindexed and self._index is not None:
            entries, self._unindexed = self._unindexed, []
            follow(self._index, entries)

    def _finish_background(self) -> None:
        """Wait for the other process: after a last look at the record, it is done."""
        if self._pool is None:
            return
        try:
            self._jobs.append(self._pool.submit(caught_up, self.path, self.root))
            for job in self._jobs:
                job.result()
        finally:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
            self._jobs = []

    def index(self) -> SearchIndex:
        """The index, with everything appended so far in it."""
        self._finish_background()
        if self._index is None:
            self._index = SearchIndex(self.path, root=self.root)
            catch_up(self._index.log, self._index)
        self._index_unindexed()
        return self._index

    def close(self, finish: bool) -> None:
        """Release the index; ``finish``: index what was appended first (else the next opening
        catches it up)."""
        try:
            if finish:
                self.index()
        finally:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)  # waits for a job it has begun
                self._pool = None
            if self._index is not None:
                self._index.close()
                self._index = None
