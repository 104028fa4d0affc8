"""The private store in SQLite: ``.newsmirror-private/accounts.sqlite`` in the archive.

Not a cache: nothing here can be rebuilt from the record. So the folder is kept out of git
(its own ``.gitignore`` says ``*``), writes are synchronous (``synchronous=FULL``), and every
mark change is appended to ``mark_log`` in the same transaction that changes ``marks``, which
is only the log's latest state per item (and ``read_counts`` its read items per source, kept
in the same transactions, so unread counts cost one row per source). Item ids are assigned
here, once, in the order articles arrive, so they stay the same when the caches are rebuilt.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from newsmirror.accounts.model import MARKS, TABLES, Item, Selection, User, stamp
from newsmirror.errors import ArchiveError, ConfigError

PRIVATE_DIR = ".newsmirror-private"
FILE_NAME = "accounts.sqlite"
SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS users(
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL, token_key BLOB NOT NULL, fever_key TEXT UNIQUE,
    created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items(
    id INTEGER PRIMARY KEY AUTOINCREMENT, article TEXT NOT NULL UNIQUE, source TEXT NOT NULL,
    time_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS items_by_source ON items(source, id);
CREATE TABLE IF NOT EXISTS feeds(id INTEGER PRIMARY KEY AUTOINCREMENT, abbr TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS groups(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS marks(
    user INTEGER NOT NULL, item INTEGER NOT NULL, source TEXT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0, starred INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY(user, item)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS marks_read ON marks(user, read, source);
CREATE INDEX IF NOT EXISTS marks_starred ON marks(user, starred, item);
CREATE TABLE IF NOT EXISTS read_counts(
    user INTEGER NOT NULL, source TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY(user, source)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS mark_log(
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user INTEGER NOT NULL,
    item INTEGER NOT NULL, mark TEXT NOT NULL, value INTEGER NOT NULL);
"""
USER_COLUMNS = "id, name, password_hash, token_key, fever_key, created"
ITEM_COLUMNS = "i.id, i.article, i.source, i.time_ms, coalesce(m.read, 0), coalesce(m.starred, 0)"
MOST_VARIABLES = 500  # ids per IN (...) list


def private_path(root: Path) -> Path:
    return root / PRIVATE_DIR / FILE_NAME


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), MOST_VARIABLES):
        yield values[start : start + MOST_VARIABLES]


def _item(row: tuple[int, str, str, int, int, int]) -> Item:
    id_, article, source, time_ms, read, starred = row
    return Item(id_, article, source, time_ms, bool(read), bool(starred))


class SQLitePrivateStore:
    """Accounts, item ids and marks in one SQLite file (protocols.PrivateStore)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Kept out of the archive's git tree whatever its own .gitignore says.
            ignore = path.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# private: accounts and marks, never published\n*\n")
            self.db = sqlite3.connect(path, isolation_level=None)
            self.db.execute("PRAGMA busy_timeout=10000")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise ArchiveError(
                    f"{path}: written by a newer newsmirror (schema {version}); upgrade newsmirror"
                )
            self.db.executescript(SCHEMA)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except (sqlite3.Error, OSError) as error:
            raise ArchiveError(
                f"{path}: cannot open the accounts file ({error}); check the disk, or restore it "
                "from a backup (`newsmirror users import`)"
            ) from None
        self.totals: tuple[int, dict[str, tuple[int, int]]] | None = None

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # Accounts

    def add_user(self, name: str, password_hash: str, token_key: bytes, fever_key: str) -> User:
        try:
            self.db.execute(
                """INSERT INTO users(name, password_hash, token_key, fever_key, created)
                   VALUES(?,?,?,?,?)""",
                (name, password_hash, token_key, fever_key, stamp()),
            )
        except sqlite3.IntegrityError:
            raise ConfigError(
                f"user {name!r} exists already; see `newsmirror users list`"
            ) from None
        user = self.user(name)
        assert user is not None
        return user

    def _one_user(self, where: str, value: object) -> User | None:
        row = self.db.execute(f"SELECT {USER_COLUMNS} FROM users WHERE {where} = ?", (value,))
        found = row.fetchone()
        return User(*found) if found else None

    def user(self, name: str) -> User | None:
        return self._one_user("name", name)

    def user_by_id(self, user_id: int) -> User | None:
        return self._one_user("id", user_id)

    def user_by_fever_key(self, fever_key: str) -> User | None:
        return self._one_user("fever_key", fever_key)

    def users(self) -> list[User]:
        rows = self.db.execute(f"SELECT {USER_COLUMNS} FROM users ORDER BY name")
        return [User(*row) for row in rows]

    def remove_user(self, name: str) -> bool:
        user = self.user(name)
        if user is None:
            return False
        with self.transaction():
            self.db.execute("DELETE FROM marks WHERE user = ?", (user.id,))
            self.db.execute("DELETE FROM read_counts WHERE user = ?", (user.id,))
            self.db.execute("DELETE FROM mark_log WHERE user = ?", (user.id,))
            self.db.execute("DELETE FROM users WHERE id = ?", (user.id,))
        return True

    def set_credentials(
        self, name: str, password_hash: str | None, token_key: bytes, fever_key: str | None
    ) -> bool:
        changed = self.db.execute(
            """UPDATE users SET password_hash = coalesce(?, password_hash), token_key = ?,
               fever_key = ? WHERE name = ?""",
            (password_hash, token_key, fever_key, name),
        )
        return changed.rowcount > 0

    # Item ids

    def add_items(self, items: Iterable[tuple[str, str, int]]) -> int:
        with self.transaction():
            # Not INSERT OR IGNORE: an ignored row would still use up an id.
            added = self.db.executemany(
                """INSERT INTO items(article, source, time_ms) SELECT ?1, ?2, ?3
                   WHERE NOT EXISTS (SELECT 1 FROM items WHERE article = ?1)""",
                items,
            )
            return max(0, added.rowcount)

    def item_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM items").fetchone()[0])

    def last_item(self) -> int:
        """The newest item's id (0: none): it changes whenever items arrive."""
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM items").fetchone()[0])

    def _stable_id(self, table: str, column: str, value: str) -> int:
        select = f"SELECT id FROM {table} WHERE {column} = ?"
        row = self.db.execute(select, (value,)).fetchone()
        if row is None:  # a write only for a new one (INSERT OR IGNORE would use up an id)
            self.db.execute(
                f"""INSERT INTO {table}({column}) SELECT ?1
                    WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {column} = ?1)""",
                (value,),
            )
            row = self.db.execute(select, (value,)).fetchone()
        return int(row[0])

    def feed_id(self, abbr: str) -> int:
        return self._stable_id("feeds", "abbr", abbr)

    def group_id(self, name: str) -> int:
        return self._stable_id("groups", "name", name)

    # Marks

    def select(self, user: int, selection: Selection) -> list[Item]:
        s = selection
        clauses: list[str] = []
        values: list[object] = [user]
        if s.sources is not None:
            clauses.append(f"i.source IN ({','.join('?' * len(s.sources))})")
            values.extend(s.sources)
        for column, wanted in (("read", s.read), ("starred", s.starred)):
            if wanted is not None:
                clauses.append(f"coalesce(m.{column}, 0) = ?")
                values.append(int(wanted))
        if s.starred:  # few items are starred: start from the marks
            clauses.append("i.id IN (SELECT item FROM marks WHERE user = ? AND starred = 1)")
            values.append(user)
        for clause, value in (
            ("i.time_ms >= ?", s.since_ms),
            ("i.time_ms < ?", s.until_ms),
            ("i.id < ?", s.below),
            ("i.id > ?", s.above),
        ):
            if value is not None:
                clauses.append(clause)
                values.append(value)
        where = "WHERE " + " AND ".join(clauses) if clauses else ""
        rows = self.db.execute(
            f"""SELECT {ITEM_COLUMNS} FROM items i
                LEFT JOIN marks m ON m.user = ? AND m.item = i.id {where}
                ORDER BY i.id {"DESC" if s.newest_first else "ASC"} LIMIT ?""",
            (*values, s.limit),
        )
        return [_item(row) for row in rows]

    def items(self, user: int, ids: Sequence[int]) -> list[Item]:
        found: list[Item] = []
        for chunk in _chunks(sorted(set(ids))):
            rows = self.db.execute(
                f"""SELECT {ITEM_COLUMNS} FROM items i
                    LEFT JOIN marks m ON m.user = ? AND m.item = i.id
                    WHERE i.id IN ({",".join("?" * len(chunk))}) ORDER BY i.id""",
                (user, *chunk),
            )
            found.extend(_item(row) for row in rows)
        return found

    def ids(self, user: int, *, read: bool | None, starred: bool | None) -> list[int]:
        if starred:
            sql, values = "SELECT item FROM marks WHERE user = ? AND starred = 1", [user]
            if read is not None:
                sql += " AND read = ?"
                values.append(int(read))
            return [row[0] for row in self.db.execute(sql + " ORDER BY item", values)]
        assert read is False, "only unread or starred ids are asked for"
        rows = self.db.execute(
            """SELECT id FROM items WHERE id NOT IN
               (SELECT item FROM marks WHERE user = ? AND read = 1) ORDER BY id""",
            (user,),
        )
        return [row[0] for row in rows]

    def _totals(self) -> dict[str, tuple[int, int]]:
        """Per source: items and the newest one's time; recounted only when items arrive."""
        count = self.last_item()
        if self.totals is None or self.totals[0] != count:
            rows = self.db.execute("SELECT source, count(*), max(time_ms) FROM items GROUP BY 1")
            self.totals = count, {source: (n, newest) for source, n, newest in rows}
        return self.totals[1]

    def unread_counts(self, user: int) -> dict[str, tuple[int, int]]:
        read = dict(
            self.db.execute(
                "SELECT source, count FROM read_counts WHERE user = ?", (user,)
            ).fetchall()
        )
        counts = {
            source: (total - read.get(source, 0), newest)
            for source, (total, newest) in self._totals().items()
        }
        return {source: value for source, value in counts.items() if value[0] > 0}

    def mark(self, user: int, ids: Sequence[int], mark: str, value: bool) -> int:
        assert mark in MARKS
        changed = 0
        at = stamp()
        with self.transaction():
            for chunk in _chunks(sorted(set(ids))):
                marks = ",".join("?" * len(chunk))
                # Only items whose mark differs: the log holds changes, not repeats.
                rows = self.db.execute(
                    f"""SELECT i.id, i.source FROM items i
                        LEFT JOIN marks m ON m.user = ? AND m.item = i.id
                        WHERE i.id IN ({marks}) AND coalesce(m.{mark}, 0) != ?""",
                    (user, *chunk, int(value)),
                ).fetchall()
                self._write(user, rows, mark, value, at)
                changed += len(rows)
        return changed

    def _write(
        self, user: int, rows: list[tuple[int, str]], mark: str, value: bool, at: str
    ) -> None:
        self.db.executemany(
            "INSERT INTO mark_log(at, user, item, mark, value) VALUES(?,?,?,?,?)",
            [(at, user, item, mark, int(value)) for item, _ in rows],
        )
        self.db.executemany(
            f"""INSERT INTO marks(user, item, source, {mark}) VALUES(?,?,?,?)
                ON CONFLICT(user, item) DO UPDATE SET {mark} = excluded.{mark}""",
            [(user, item, source, int(value)) for item, source in rows],
        )
        if mark == "read":
            changed = Counter(source for _, source in rows)
            self.db.executemany(
                """INSERT INTO read_counts(user, source, count) VALUES(?,?,?)
                   ON CONFLICT(user, source) DO UPDATE SET count = count + excluded.count""",
                [(user, source, n if value else -n) for source, n in changed.items()],
            )

    def mark_all_read(
        self, user: int, sources: tuple[str, ...] | None, until_ms: int | None
    ) -> int:
        clauses, values = ["coalesce(m.read, 0) = 0"], [user]  # type: list[str], list[object]
        if sources is not None:
            clauses.append(f"i.source IN ({','.join('?' * len(sources))})")
            values.extend(sources)
        if until_ms is not None:
            clauses.append("i.time_ms < ?")
            values.append(until_ms)
        with self.transaction():
            rows = self.db.execute(
                f"""SELECT i.id, i.source FROM items i
                    LEFT JOIN marks m ON m.user = ? AND m.item = i.id
                    WHERE {" AND ".join(clauses)}""",
                values,
            ).fetchall()
            self._write(user, rows, "read", True, stamp())
        return len(rows)

    # Backups

    def export(self) -> dict[str, list[list[object]]]:
        """Every table's rows (token keys as hex), for ``users export``."""
        with self.transaction():  # one consistent moment
            data = {
                table: [list(row) for row in self.db.execute(f"SELECT * FROM {table}")]
                for table in TABLES
            }
        for row in data["users"]:
            row[3] = bytes(row[3]).hex()
        return data

    def load(self, data: dict[str, list[list[object]]]) -> None:
        """Restore an export into this store, which must have no users and no marks yet."""
        if self.users() or self.db.execute("SELECT 1 FROM mark_log LIMIT 1").fetchone():
            raise ConfigError(
                f"{self.path}: has accounts already; import into an archive without any "
                "(move the file aside first)"
            )
        with self.transaction():
            for table in TABLES:
                self.db.execute(f"DELETE FROM {table}")
                rows = data.get(table, [])
                if table == "users":
                    rows = [[*row[:3], bytes.fromhex(str(row[3])), *row[4:]] for row in rows]
                if rows:
                    marks = ",".join("?" * len(rows[0]))
                    self.db.executemany(f"INSERT INTO {table} VALUES({marks})", rows)
