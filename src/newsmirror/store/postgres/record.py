"""The record in the shared database (``[store] url``): the ``record`` table (its schema:
migrations/0004_record.sql) holds one row per revision with the JSON line the archive's files
would hold, in the logical file ``record/{abbr}/{YYYY-MM}.jsonl`` it would be in
(record.protocol.Record). A row's position is its ``seq``: an ``Entry`` of it has ``offset``
``seq`` and ``end`` ``seq + 1``, and a store's row names it by (file, seq) as it names a line
by (file, byte offset).

Order. ``seq`` is given when a row is inserted, and transactions commit in another order: a
row of a lower ``seq`` can become visible after one of a higher. So nothing may follow this
record by positions from outside the appending transaction, lest it step over such a row:
``Archive.append`` takes a batch into the store and the search index in the transaction that
records it (``Database.together``), and catching up by positions (store.follow.catch_up) only
serves a cache that was emptied (``search --rebuild``, ``rebuild``, a reset store), reading
whatever is committed, while every transaction still open takes itself in."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from newsmirror.errors import RecordError, StoreError
from newsmirror.record.log import Entry, Unread, record_file, unread_of
from newsmirror.record.model import Revision
from newsmirror.store.postgres.connection import redacted
from newsmirror.store.postgres.database import Database

TABLES = ("record",)
PAGE = 1000  # rows read at a time: a file's lines are read in pages, no connection held between

_APPEND = """
    INSERT INTO record (file, article, rev, line)
    SELECT * FROM unnest(%s::text[], %s::text[], %s::int4[], %s::text[])
    RETURNING article, rev, seq"""

# Each file and its last row, a few index lookups per file (a skip scan of record_by_file)
# rather than a pass over every row: every opening of a shared archive asks it.
_ENDS = """
    WITH RECURSIVE files(file) AS (
        (SELECT file FROM record ORDER BY file LIMIT 1)
        UNION ALL
        SELECT (SELECT r.file FROM record r WHERE r.file > f.file ORDER BY r.file LIMIT 1)
        FROM files f WHERE f.file IS NOT NULL
    )
    SELECT file, (SELECT max(seq) + 1 FROM record r WHERE r.file = files.file) FROM files
    WHERE file IS NOT NULL ORDER BY file"""


class PostgresRecord:
    """The record in ``database`` (its schema upgraded). Appends take part in the thread's
    ``database.together()`` block when there is one."""

    def __init__(self, database: Database) -> None:
        self.db = database
        database.check_tables(TABLES)

    def file_for(self, revision: Revision) -> str:
        return record_file(revision)

    def files(self) -> list[str]:
        return list(self.ends())

    def ends(self) -> dict[str, int]:
        """Each file's position past its last row, in file order."""
        return {file: int(end) for file, end in self.db.rows(_ENDS)}

    def files_of(self, articles: Iterable[str]) -> set[str]:
        """The files holding a revision of ``articles``, in one query (UNIQUE (article, rev)
        is their index)."""
        rows = self.db.rows(
            "SELECT DISTINCT file FROM record WHERE article = ANY(%s)", (sorted(set(articles)),)
        )
        return {row[0] for row in rows}

    def unread(self, read_to: Mapping[str, int]) -> Unread:
        return unread_of(self.ends(), read_to)

    def append(self, revisions: Iterable[Revision]) -> list[Entry]:
        """Insert ``revisions`` as rows, in order, in one transaction (the caller's, inside
        ``together()``). A revision recorded already is a ``Conflict`` and none is kept."""
        batch = list(revisions)
        if not batch:
            return []
        rows = [(record_file(r), r.article, r.rev, r.to_json()) for r in batch]
        with self.db.connection() as connection:
            found = connection.execute(
                _APPEND, [list(column) for column in zip(*rows, strict=True)]
            ).fetchall()
        seqs = {(article, rev): int(seq) for article, rev, seq in found}
        return [
            Entry(r, file, seqs[r.article, r.rev], seqs[r.article, r.rev] + 1)
            for r, (file, *_) in zip(batch, rows, strict=True)
        ]

    def count(self) -> int:
        row = self.db.one("SELECT count(*) FROM record")
        return int(row[0]) if row else 0

    def copy_in(self, file: str, lines: Iterable[str]) -> int:
        """Append ``file``'s JSON ``lines`` as they are, in order (in the caller's transaction,
        inside ``together()``); how many. What copies a record in from files."""
        count = 0
        with (
            self.db.connection() as connection,
            connection.cursor() as cursor,
            cursor.copy("COPY record (file, article, rev, line) FROM STDIN") as copy,
        ):
            for line in lines:
                revision = Revision.from_json(line)
                copy.write_row((file, revision.article, revision.rev, line))
                count += 1
        return count

    def rows(self, file: str, offset: int = 0) -> Iterator[tuple[int, str]]:
        """(seq, JSON line without its newline) of ``file``'s rows from ``offset``, in order."""
        while True:
            page = self.db.rows(
                "SELECT seq, line FROM record WHERE file = %s AND seq >= %s ORDER BY seq LIMIT %s",
                (file, offset, PAGE),
            )
            for seq, line in page:
                yield int(seq), line
            if len(page) < PAGE:
                return
            offset = int(page[-1][0]) + 1

    def lines(self, file: str) -> Iterator[str]:
        """``file``'s JSON lines, without their newlines, as its file would hold them."""
        for _, line in self.rows(file):
            yield line

    def read(self, file: str, offset: int = 0) -> Iterator[Entry]:
        for seq, line in self.rows(file, offset):
            yield Entry(self._revision(file, seq, line), file, seq, seq + 1)

    def read_at(self, file: str, offset: int) -> Revision:
        row = self.db.one("SELECT line FROM record WHERE seq = %s AND file = %s", (offset, file))
        if row is None:
            raise StoreError(
                f"{redacted(self.db.url)}: the record has no revision {offset} in {file}; "
                "run `newsmirror rebuild` to index the record again"
            )
        return self._revision(file, offset, row[0])

    def read_all(self) -> Iterator[Entry]:
        for file in self.files():
            yield from self.read(file)

    def _revision(self, file: str, seq: int, line: str) -> Revision:
        try:
            return Revision.from_json(line)
        except RecordError as error:
            raise RecordError(f"{file} at row {seq}: {error}") from None
