"""The tables of ``state.sqlite``, and opening it: a file of another version is emptied and
made again (everything in it comes back from the record), one that says it is of this version
but holds other tables is damaged (``DamagedCache``: the archive deletes and rebuilds it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsmirror.store.files import POSITIONS, check_tables, connect, made_by

# Bumped whenever the tables change: a cache of another version is dropped and rebuilt.
SCHEMA_VERSION = 9
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS articles(
    id TEXT PRIMARY KEY, source TEXT NOT NULL, path TEXT NOT NULL UNIQUE,
    rev INTEGER NOT NULL, hash TEXT NOT NULL, feed_hash TEXT NOT NULL,
    summary_only INTEGER NOT NULL DEFAULT 0, page_attempts INTEGER NOT NULL DEFAULT 0,
    title TEXT NOT NULL, url TEXT,
    time_ms INTEGER NOT NULL, first_seen TEXT NOT NULL, first_seen_ms INTEGER NOT NULL,
    record_file TEXT NOT NULL, record_offset INTEGER NOT NULL,
    projected_rev INTEGER NOT NULL DEFAULT 0,
    change TEXT NOT NULL DEFAULT '', checks INTEGER NOT NULL DEFAULT 0,
    page_etag TEXT, page_last_modified TEXT, adopted INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX IF NOT EXISTS articles_by_source_time ON articles(source, time_ms DESC)",
    """CREATE TABLE IF NOT EXISTS revisions(
    article TEXT NOT NULL, rev INTEGER NOT NULL, fetched TEXT NOT NULL, title TEXT NOT NULL,
    change TEXT NOT NULL DEFAULT '',
    record_file TEXT NOT NULL, record_offset INTEGER NOT NULL, PRIMARY KEY(article, rev))""",
    "CREATE INDEX IF NOT EXISTS revisions_by_time ON revisions(fetched)",
    "CREATE TABLE IF NOT EXISTS keys(key TEXT PRIMARY KEY, article TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS images(url TEXT PRIMARY KEY, file TEXT NOT NULL)",
    POSITIONS,
    """CREATE TABLE IF NOT EXISTS sources(
    abbr TEXT PRIMARY KEY, config_url TEXT, feed_url TEXT, etag TEXT, last_modified TEXT,
    last_attempt TEXT, last_success TEXT, last_error TEXT, errors INTEGER NOT NULL DEFAULT 0,
    next_due REAL, items_seen INTEGER NOT NULL DEFAULT 0, page_error TEXT)""",
)
EXPECTED = made_by(SCHEMA)
# What ``reset`` empties: everything made from the record (sources' state is not).
FROM_RECORD = ("articles", "revisions", "keys", "images", "record_files")


def open_state(path: Path) -> sqlite3.Connection:
    """A connection to the state cache at ``path``, with this version's tables."""
    db = connect(path)
    try:
        # Readers (search, serve) open the index while a run may be writing to it.
        db.execute("PRAGMA busy_timeout=10000")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            check_tables(db, EXPECTED)
            return db
        # Everything here is rebuilt from the record (validators are refetched).
        tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        for (table,) in tables:
            db.execute(f'DROP TABLE IF EXISTS "{table}"')
        for statement in SCHEMA:
            db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        db.close()
        raise
    return db
