"""The search index: one FTS5 document per article (its latest revision), a cache of the record.

Layout. ``fts`` is a contentless FTS5 table (``content=''``): it keeps terms, not text, which
stays in the record. Its columns: the body and the title (folded, in index form: ``text``), the
source (one token, ``searching.source_term``) and the status (``edited``, ``removed``); filters
are column filters in the MATCH expression, which user text never reaches. Rowids are in time
order (``rowids``). ``docs`` maps each article to its document and to the record line it was
made from; ``counts`` keeps how many documents each source and status has.

Updates. A contentless table deletes a row only when given the values it indexed: they are made
again from the record line ``docs`` points to (``RecordLog.read_at``), with the same folding. The
folding's version (OpenCC's, Unicode's) is in ``meta``; an index made with another is dropped and
built again, as its rows could no longer be deleted.

Catching up. The index follows the record as every cache does (``store.follow``); a large
backlog is read and cut into terms by another process while this one writes.
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import opencc

from newsmirror.errors import StoreError
from newsmirror.record.log import Entry, RecordLog
from newsmirror.record.model import RevisionKind
from newsmirror.record.protocol import Record
from newsmirror.search.documents import Document, documents, documents_of, indexed, line_ranges
from newsmirror.search.model import STATUSES, SearchPage, SearchQuery
from newsmirror.search.rowids import SLOTS, first_rowid, minute, minute_of
from newsmirror.search.searching import search, source_term
from newsmirror.store import follow
from newsmirror.store.files import (
    POSITIONS,
    advance,
    check_tables,
    connect,
    made_by,
    positions,
    transaction,
)

# Bump the first number whenever fold() or terms() change what they make.
VERSION = f"4; opencc {opencc.__version__}; unicode {unicodedata.unidata_version}"
TRANSACTION = 10_000  # documents written in one transaction when catching up: fewer merges
PARALLEL_BYTES = 16 << 20  # a backlog of this much record is read by other processes

SCHEMA = (
    """CREATE TABLE docs(
        docid INTEGER PRIMARY KEY, article TEXT NOT NULL UNIQUE, rev INTEGER NOT NULL,
        source TEXT NOT NULL, status TEXT NOT NULL,
        record_file TEXT NOT NULL, record_offset INTEGER NOT NULL)""",
    "CREATE TABLE counts(key TEXT PRIMARY KEY, n INTEGER NOT NULL)",
    POSITIONS,
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # text.terms makes the tokens: the ascii tokenizer only has to split them at spaces, and
    # is faster than unicode61, which classifies every character again.
    """CREATE VIRTUAL TABLE fts USING fts5(
        body, title, source, status, content='', prefix='1', tokenize='ascii')""",
    # Large builds: flushing terms less often and merging segments 8 at a time, not 4, make
    # fewer passes over the same data (bench/search.py).
    "INSERT INTO fts(fts, rank) VALUES('hashsize', 67108864)",
    "INSERT INTO fts(fts, rank) VALUES('automerge', 8)",
)
EXPECTED = made_by(SCHEMA)


def _status(edited: bool, removed: bool) -> str:
    return " ".join(name for name, on in zip(STATUSES, (edited, removed), strict=True) if on)


def _keys(source: str, status: str) -> list[str]:
    return [f"source {source}", *(f"status {flag}" for flag in status.split())]


class SearchIndex:
    """The index at ``path``, of the record of ``root`` (by default the archive ``path`` is in:
    ``root/.newsmirror/search.sqlite``)."""

    def __init__(self, path: Path, *, readonly: bool = False, root: Path | None = None) -> None:
        self.log = RecordLog(root or path.resolve().parent.parent)
        self._counts: Counter[str] = Counter()
        # Minutes found full (their first rowid) -> a later minute to look at instead, so many
        # articles of one minute cost a look each, not one per full minute before theirs.
        self._full: dict[int, int] = {}
        self.workers: int | None = None  # reading a backlog (catch_up); None: by its size
        self.db = connect(path, readonly=readonly)
        # Searches run while a pass writes: wait for its transaction rather than fail.
        self.db.execute("PRAGMA busy_timeout=30000")
        if readonly:
            if self._version() != VERSION:
                raise StoreError(f"{path}: the search index is out of date; open the archive")
            check_tables(self.db, EXPECTED)
            return
        # Larger pages: FTS5 writes its segments in fewer, fuller pages (bench/search.py). Only
        # a new file takes it, and only before the switch to WAL.
        self.db.execute("PRAGMA page_size=16384")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        # A large catch-up writes transactions of 100 MB; the log need not stay that size.
        self.db.execute("PRAGMA journal_size_limit=67108864")
        if self._version() != VERSION:
            with self._transaction():
                if self._version() != VERSION:  # still: another process may have made it
                    self._create()
        check_tables(self.db, EXPECTED)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def _version(self) -> str | None:
        if not self.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
            return None  # a new file
        row = self.db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return str(row[0]) if row else None

    def _create(self) -> None:
        self._full.clear()
        for table in ("fts", "docs", "counts", "record_files", "meta"):
            self.db.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in SCHEMA:  # not executescript, which would commit the transaction
            self.db.execute(statement)
        self.db.execute("INSERT INTO meta(key, value) VALUES('version', ?)", (VERSION,))

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            with transaction(self.db):
                yield
        except BaseException:
            self._full.clear()  # what it remembers of full minutes was rolled back
            raise

    def search(self, query: SearchQuery) -> SearchPage:
        self.db.execute("BEGIN")  # one snapshot, whatever a pass writes meanwhile
        try:
            return search(self.db, self.log, query)
        finally:
            self.db.execute("COMMIT")

    # Following the record (store.follow)

    def catch_up(self, log: Record, *, workers: int | None = None) -> int:
        """Index what the record has and the index lacks; returns revisions read.

        ``workers``: processes reading the record and cutting terms (0: none). By default one
        for a large backlog, which keeps up with this process writing (it needs half the CPU
        time per article), none otherwise.
        """
        self.workers = workers
        try:
            return follow.catch_up(log, self)
        finally:
            self.workers = None

    def rebuild(self, log: Record) -> int:
        """Drop everything and index the whole record again."""
        self.reset()
        return self.catch_up(log)

    def index(self, entries: Iterable[Entry]) -> None:
        """Add appended revisions, in one transaction."""
        follow.follow(self, list(entries))

    def positions(self) -> Mapping[str, int]:
        return positions(self.db)

    def reset(self) -> None:
        with self._transaction():
            self._create()

    def batches(self, log: Record, unread: Sequence[tuple[str, int]]) -> Iterator[list[Document]]:
        """The backlog's documents, ``TRANSACTION`` at a time (a record kept elsewhere than in
        files, a file at a time, read here)."""
        if not isinstance(log, RecordLog):
            for entries in follow.entries(log, unread):
                yield documents(entries)
            return
        workers = self.workers
        if workers is None:
            backlog = sum(log.size(file) - start for file, start in unread)
            workers = 1 if backlog >= PARALLEL_BYTES and (os.cpu_count() or 1) > 1 else 0
        ranges = [(f, a, b) for f, start in unread for a, b in line_ranges(log, f, start)]
        batch: list[Document] = []
        for docs in documents_of(log, ranges, workers):
            batch += docs
            if len(batch) >= TRANSACTION:
                yield batch
                batch = []
        if batch:
            yield batch

    def prepare(self, entries: Sequence[Entry]) -> list[Document]:
        return documents(entries)

    def apply(self, docs: Sequence[Document]) -> None:
        latest: dict[str, Document] = {}
        edited: set[str] = set()
        for doc in docs:
            if doc.article not in latest or doc.rev > latest[doc.article].rev:
                latest[doc.article] = doc
            if doc.change == RevisionKind.EDITED:
                edited.add(doc.article)
        with self._transaction():
            self._counts.clear()
            for article, doc in latest.items():
                self._put(doc, article in edited)
            self.db.executemany(
                """INSERT INTO counts(key, n) VALUES(?, ?)
                   ON CONFLICT(key) DO UPDATE SET n = n + excluded.n""",
                self._counts.items(),
            )
            advance(self.db, follow.ends(docs))

    def _put(self, doc: Document, edited: bool) -> None:
        """Make the article's document say what ``doc`` (one of its revisions) adds."""
        row = self.db.execute(
            """SELECT docid, rev, source, status, record_file, record_offset
               FROM docs WHERE article = ?""",
            (doc.article,),
        ).fetchone()
        if row is None:
            status = _status(edited, doc.change == RevisionKind.REMOVED)
            self._write(self._free_docid(doc.time_ms), doc, status)
            return
        docid, rev, source, status, file, offset = row
        newer = doc.rev > rev
        flags = status.split()
        removed = doc.change == RevisionKind.REMOVED if newer else RevisionKind.REMOVED in flags
        new_status = _status(edited or RevisionKind.EDITED in flags, removed)
        if not newer and new_status == status:
            return  # an older or the same revision, nothing new
        old_title, old_body = self._remove(docid, source, status, file, offset)
        if newer:
            same_minute = minute_of(docid) == minute(doc.time_ms)
            self._write(docid if same_minute else self._free_docid(doc.time_ms), doc, new_status)
        else:
            kept = doc._replace(
                rev=rev, source=source, file=file, offset=offset, title=old_title, body=old_body
            )
            self._write(docid, kept, new_status)

    def _remove(
        self, docid: int, source: str, status: str, file: str, offset: int
    ) -> tuple[bytes, bytes]:
        """Take a document out; the title and body it had indexed."""
        old_title, old_body = indexed(self.log.read_at(file, offset))
        self.db.execute(
            "INSERT INTO fts(fts, rowid, body, title, source, status) VALUES('delete',?,?,?,?,?)",
            (docid, old_body, old_title, source_term(source), status),
        )
        self.db.execute("DELETE FROM docs WHERE docid = ?", (docid,))
        self._counts.subtract(_keys(source, status))
        return old_title, old_body

    def delete(self, article: str) -> None:
        """Forget the article's document (nothing happens when there is none)."""
        with self._transaction():
            self._counts.clear()
            row = self.db.execute(
                "SELECT docid, source, status, record_file, record_offset FROM docs "
                "WHERE article = ?",
                (article,),
            ).fetchone()
            if row is not None:
                self._remove(*row)
                self.db.executemany(
                    "UPDATE counts SET n = n + ? WHERE key = ?",
                    [(n, key) for key, n in self._counts.items()],
                )

    def _write(self, docid: int, doc: Document, status: str) -> None:
        self.db.execute(
            "INSERT INTO docs VALUES(?, ?, ?, ?, ?, ?, ?)",
            (docid, doc.article, doc.rev, doc.source, status, doc.file, doc.offset),
        )
        self.db.execute(
            "INSERT INTO fts(rowid, body, title, source, status) VALUES(?, ?, ?, ?, ?)",
            (docid, doc.body, doc.title, source_term(doc.source), status),
        )
        self._counts.update(_keys(doc.source, status))

    def _free_docid(self, time_ms: int) -> int:
        """The first free rowid at the minute of ``time_ms`` or, when it is full, the next
        minute with room. Full minutes passed are remembered (and the way through them
        shortened, as in a union-find), so finding room costs the same however many articles
        share a minute: linear in the articles, whatever their dates."""
        first = first_rowid(time_ms)
        passed = []
        while True:
            if (later := self._full.get(first)) is not None:
                passed.append(first)
                first = later
                continue
            (top,) = self.db.execute(
                "SELECT max(docid) FROM docs WHERE docid >= ? AND docid < ?",
                (first, first + SLOTS),
            ).fetchone()
            if top is not None and top + 1 >= first + SLOTS:
                passed.append(first)
                first += SLOTS  # a full minute: the next (only the order shifts)
                continue
            for full in passed:
                self._full[full] = first
            return first if top is None else int(top) + 1
