"""The private store in the shared database (``[store] url``; migrations/0004_accounts.sql), so
that every ``serve`` process behind a proxy sees the same accounts, item ids and marks.

The same rules as accounts.sqlite: every mark change is appended to ``reader_mark_log`` in the
transaction that changes ``reader_marks`` and ``reader_read_counts``; item ids are given once,
in the order articles arrive. Several processes write here at once, so what must not
interleave is serialized in the database: numbering items locks the items table against other
numberings (reads go on), and one user's marks change one transaction at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from psycopg import sql

from newsmirror.accounts.model import MARKS, TABLES, Item, Selection, User, stamp
from newsmirror.errors import ConfigError
from newsmirror.store.postgres.connection import redacted
from newsmirror.store.postgres.database import Connection, Database, open_database

# The database's table behind each table of a backup (model.TABLES), and the key it is
# ordered by there.
TABLE_OF = {name: f"reader_{name}" for name in TABLES}
ORDER_OF = {
    "marks": "user_id, item",
    "read_counts": "user_id, source",
    "mark_log": "seq",
}
IDENTITIES = ("users", "items", "feeds", "groups", "mark_log")
USER_COLUMNS = "id, name, password_hash, token_key, fever_key, created"
ITEM_COLUMNS = "i.id, i.article, i.source, i.time_ms, coalesce(m.read, 0), coalesce(m.starred, 0)"
# pg_advisory_xact_lock(namespace, user): one user's marks change one transaction at a time.
MARKS_LOCK = 0x6E6D6D6B  # "nmmk"


def _item(row: tuple[Any, ...]) -> Item:
    id_, article, source, time_ms, read, starred = row
    return Item(id_, article, source, time_ms, bool(read), bool(starred))


class PostgresPrivateStore:
    """Accounts, item ids and marks in the shared database (protocols.PrivateStore), which
    ``close`` closes; ``open_private(url)`` opens one."""

    def __init__(self, database: Database) -> None:
        self.db = database
        database.check_tables(list(TABLE_OF.values()))
        self.totals: tuple[int, dict[str, tuple[int, int]]] | None = None

    def close(self) -> None:
        self.db.close()

    # Accounts

    def add_user(self, name: str, password_hash: str, token_key: bytes, fever_key: str) -> User:
        row = self.db.one(
            f"""INSERT INTO reader_users(name, password_hash, token_key, fever_key, created)
                VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING {USER_COLUMNS}""",
            (name, password_hash, token_key, fever_key, stamp()),
        )
        if row is None:
            raise ConfigError(f"user {name!r} exists already; see `newsmirror users list`")
        return User(*row)

    def _one_user(self, where: str, value: object) -> User | None:
        row = self.db.one(f"SELECT {USER_COLUMNS} FROM reader_users WHERE {where} = %s", (value,))
        return User(*row) if row else None

    def user(self, name: str) -> User | None:
        return self._one_user("name", name)

    def user_by_id(self, user_id: int) -> User | None:
        return self._one_user("id", user_id)

    def user_by_fever_key(self, fever_key: str) -> User | None:
        return self._one_user("fever_key", fever_key)

    def users(self) -> list[User]:
        rows = self.db.rows(f"SELECT {USER_COLUMNS} FROM reader_users ORDER BY name")
        return [User(*row) for row in rows]

    def remove_user(self, name: str) -> bool:
        with self.db.connection() as connection:
            row = connection.execute(
                "DELETE FROM reader_users WHERE name = %s RETURNING id", (name,)
            ).fetchone()
            if row is None:
                return False
            for table in ("reader_marks", "reader_read_counts", "reader_mark_log"):
                connection.execute(f"DELETE FROM {table} WHERE user_id = %s", row)
        return True

    def set_credentials(
        self, name: str, password_hash: str | None, token_key: bytes, fever_key: str | None
    ) -> bool:
        row = self.db.one(
            """UPDATE reader_users SET password_hash = coalesce(%s, password_hash),
               token_key = %s, fever_key = %s WHERE name = %s RETURNING id""",
            (password_hash, token_key, fever_key, name),
        )
        return row is not None

    # Item ids

    def add_items(self, items: Iterable[tuple[str, str, int]]) -> int:
        wanted: dict[str, tuple[str, int]] = {}
        for article, source, time_ms in items:
            wanted.setdefault(article, (source, time_ms))
        if not wanted:
            return 0
        with self.db.connection() as connection:
            # Another process numbering the same articles waits, then finds them numbered:
            # no id is used up and ids grow in the order given.
            connection.execute("LOCK TABLE reader_items IN SHARE ROW EXCLUSIVE MODE")
            added = connection.execute(
                """INSERT INTO reader_items(article, source, time_ms)
                   SELECT u.article, u.source, u.time_ms
                   FROM unnest(%s::text[], %s::text[], %s::bigint[]) WITH ORDINALITY
                        AS u(article, source, time_ms, n)
                   WHERE NOT EXISTS (SELECT 1 FROM reader_items i WHERE i.article = u.article)
                   ORDER BY u.n""",
                (
                    list(wanted),
                    [source for source, _ in wanted.values()],
                    [time_ms for _, time_ms in wanted.values()],
                ),
            )
            return max(0, added.rowcount)

    def item_count(self) -> int:
        row = self.db.one("SELECT count(*) FROM reader_items")
        return int(row[0]) if row else 0

    def last_item(self) -> int:
        row = self.db.one("SELECT coalesce(max(id), 0) FROM reader_items")
        return int(row[0]) if row else 0

    def _stable_id(self, table: str, column: str, value: str) -> int:
        select = f"SELECT id FROM {table} WHERE {column} = %s"
        with self.db.connection() as connection:
            row = connection.execute(select, (value,)).fetchone()
            if row is None:  # a write only for a new one
                connection.execute(
                    f"INSERT INTO {table}({column}) VALUES (%s) ON CONFLICT DO NOTHING", (value,)
                )
                row = connection.execute(select, (value,)).fetchone()
        assert row is not None
        return int(row[0])

    def feed_id(self, abbr: str) -> int:
        return self._stable_id("reader_feeds", "abbr", abbr)

    def group_id(self, name: str) -> int:
        return self._stable_id("reader_groups", "name", name)

    # Marks

    def select(self, user: int, selection: Selection) -> list[Item]:
        s = selection
        clauses: list[str] = []
        values: list[object] = [user]
        if s.sources is not None:
            clauses.append("i.source = ANY(%s)")
            values.append(list(s.sources))
        for column, wanted in (("read", s.read), ("starred", s.starred)):
            if wanted is not None:
                clauses.append(f"coalesce(m.{column}, 0) = %s")
                values.append(int(wanted))
        for clause, value in (
            ("i.time_ms >= %s", s.since_ms),
            ("i.time_ms < %s", s.until_ms),
            ("i.id < %s", s.below),
            ("i.id > %s", s.above),
        ):
            if value is not None:
                clauses.append(clause)
                values.append(value)
        where = "WHERE " + " AND ".join(clauses) if clauses else ""
        rows = self.db.rows(
            f"""SELECT {ITEM_COLUMNS} FROM reader_items i
                LEFT JOIN reader_marks m ON m.user_id = %s AND m.item = i.id {where}
                ORDER BY i.id {"DESC" if s.newest_first else "ASC"} LIMIT %s""",
            (*values, s.limit),
        )
        return [_item(row) for row in rows]

    def items(self, user: int, ids: Sequence[int]) -> list[Item]:
        rows = self.db.rows(
            f"""SELECT {ITEM_COLUMNS} FROM reader_items i
                LEFT JOIN reader_marks m ON m.user_id = %s AND m.item = i.id
                WHERE i.id = ANY(%s) ORDER BY i.id""",
            (user, sorted(set(ids))),
        )
        return [_item(row) for row in rows]

    def ids(self, user: int, *, read: bool | None, starred: bool | None) -> list[int]:
        if starred:
            query, values = (
                "SELECT item FROM reader_marks WHERE user_id = %s AND starred = 1",
                [user],
            )
            if read is not None:
                query += " AND read = %s"
                values.append(int(read))
            return [row[0] for row in self.db.rows(query + " ORDER BY item", values)]
        assert read is False, "only unread or starred ids are asked for"
        rows = self.db.rows(
            """SELECT id FROM reader_items i WHERE NOT EXISTS (SELECT 1 FROM reader_marks m
               WHERE m.user_id = %s AND m.item = i.id AND m.read = 1) ORDER BY id""",
            (user,),
        )
        return [row[0] for row in rows]

    def _totals(self) -> dict[str, tuple[int, int]]:
        """Per source: items and the newest one's time; recounted only when items arrive."""
        last = self.last_item()
        if self.totals is None or self.totals[0] != last:
            rows = self.db.rows(
                "SELECT source, count(*), max(time_ms) FROM reader_items GROUP BY 1"
            )
            self.totals = last, {source: (int(n), int(newest)) for source, n, newest in rows}
        return self.totals[1]

    def unread_counts(self, user: int) -> dict[str, tuple[int, int]]:
        rows = self.db.rows(
            "SELECT source, count FROM reader_read_counts WHERE user_id = %s", (user,)
        )
        read = {source: int(count) for source, count in rows}
        counts = {
            source: (total - read.get(source, 0), newest)
            for source, (total, newest) in self._totals().items()
        }
        return {source: value for source, value in counts.items() if value[0] > 0}

    def mark(self, user: int, ids: Sequence[int], mark: str, value: bool) -> int:
        assert mark in MARKS
        with self.db.connection() as connection:
            _lock_marks(connection, user)
            # Only items whose mark differs: the log holds changes, not repeats.
            rows = connection.execute(
                f"""SELECT i.id, i.source FROM reader_items i
                    LEFT JOIN reader_marks m ON m.user_id = %s AND m.item = i.id
                    WHERE i.id = ANY(%s) AND coalesce(m.{mark}, 0) != %s""",
                (user, sorted(set(ids)), int(value)),
            ).fetchall()
            _write(connection, user, rows, mark, value)
        return len(rows)

    def mark_all_read(
        self, user: int, sources: tuple[str, ...] | None, until_ms: int | None
    ) -> int:
        clauses, values = ["coalesce(m.read, 0) = 0"], [user]  # type: list[str], list[object]
        if sources is not None:
            clauses.append("i.source = ANY(%s)")
            values.append(list(sources))
        if until_ms is not None:
            clauses.append("i.time_ms < %s")
            values.append(until_ms)
        with self.db.connection() as connection:
            _lock_marks(connection, user)
            rows = connection.execute(
                f"""SELECT i.id, i.source FROM reader_items i
                    LEFT JOIN reader_marks m ON m.user_id = %s AND m.item = i.id
                    WHERE {" AND ".join(clauses)} ORDER BY i.id""",
                values,
            ).fetchall()
            _write(connection, user, rows, "read", True)
        return len(rows)

    # Backups

    def export(self) -> dict[str, list[list[object]]]:
        """Every table's rows as accounts.sqlite has them (token keys as hex)."""
        data: dict[str, list[list[object]]] = {}
        with self.db.connection() as connection:
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # one moment
            for name, table in TABLE_OF.items():
                order = ORDER_OF.get(name, "id")
                rows = connection.execute(f"SELECT * FROM {table} ORDER BY {order}")
                data[name] = [list(row) for row in rows]
        for row in data["users"]:
            key = row[3]
            assert isinstance(key, bytes)
            row[3] = key.hex()
        return data

    def load(self, data: dict[str, list[list[object]]]) -> None:
        """Restore an export into this store, which must have no users and no marks yet."""
        with self.db.connection() as connection:
            if connection.execute(
                "SELECT 1 FROM reader_users UNION ALL SELECT 1 FROM reader_mark_log LIMIT 1"
            ).fetchone():
                raise ConfigError(
                    f"{redacted(self.db.url)}: has accounts already; import into a database "
                    "without any"
                )
            for name, table in TABLE_OF.items():
                connection.execute(f"DELETE FROM {table}")
                rows = data.get(name, [])
                if name == "users":
                    rows = [[*row[:3], bytes.fromhex(str(row[3])), *row[4:]] for row in rows]
                if rows:
                    marks = sql.SQL(", ").join([sql.Placeholder()] * len(rows[0]))
                    insert = sql.SQL("INSERT INTO {} OVERRIDING SYSTEM VALUE VALUES ({})")
                    with connection.cursor() as cursor:
                        cursor.executemany(insert.format(sql.Identifier(table), marks), rows)
            for name in IDENTITIES:  # new rows go on after the restored ids
                table = TABLE_OF[name]
                id_column = "seq" if name == "mark_log" else "id"
                connection.execute(
                    f"""SELECT setval(pg_get_serial_sequence('{table}', '{id_column}'),
                        coalesce((SELECT max({id_column}) FROM {table}), 0) + 1, false)"""
                )


def open_private(url: str) -> PostgresPrivateStore:
    """The private store in the database at ``url`` (its schema this newsmirror's)."""
    database = open_database(url, list(TABLE_OF.values()))
    return PostgresPrivateStore(database)


def _lock_marks(connection: Connection, user: int) -> None:
    """Until the transaction ends, no other changes ``user``'s marks (counts stay true)."""
    connection.execute("SELECT pg_advisory_xact_lock(%s::integer, %s::integer)", (MARKS_LOCK, user))


def _write(
    connection: Connection, user: int, rows: list[tuple[Any, ...]], mark: str, value: bool
) -> None:
    """Note a change of ``mark`` to ``value`` on the items of ``rows`` (id, source): the log,
    the marks, and for reads the counts per source."""
    if not rows:
        return
    items = [item for item, _ in rows]
    connection.execute(
        """INSERT INTO reader_mark_log(at, user_id, item, mark, value)
           SELECT %s, %s, unnest(%s::bigint[]), %s, %s""",
        (stamp(), user, items, mark, int(value)),
    )
    connection.execute(
        f"""INSERT INTO reader_marks(user_id, item, source, {mark})
            SELECT %s, u.item, u.source, %s FROM unnest(%s::bigint[], %s::text[]) AS u(item, source)
            ON CONFLICT (user_id, item) DO UPDATE SET {mark} = excluded.{mark}""",
        (user, int(value), items, [source for _, source in rows]),
    )
    if mark == "read":
        changed = Counter(source for _, source in rows)
        connection.execute(
            """INSERT INTO reader_read_counts(user_id, source, count)
               SELECT %s, u.source, u.n FROM unnest(%s::text[], %s::bigint[]) AS u(source, n)
               ON CONFLICT (user_id, source)
               DO UPDATE SET count = reader_read_counts.count + excluded.count""",
            (user, list(changed), [n if value else -n for n in changed.values()]),
        )
