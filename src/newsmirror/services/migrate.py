"""Moving an archive between its files and a shared PostgreSQL database: ``newsmirror migrate
--to postgresql://…`` copies the record files into a database (its schema made by ``db
upgrade``) and builds the state and search indexes there; ``--to DIR`` writes the database's
record back to ``DIR/record/*.jsonl``. Lines are carried as they are, so the copy is byte for
byte the original and the mirror made from either is the same.

Each copy is checked before it counts: file by file, the same number of lines with the same
SHA-256, read back from the target. Into a database, the copy and the check are one transaction
(a target left half-written is impossible); into a folder, the files are written beside it and
renamed into place once checked. A target that holds a record already is refused, unless it is
this very record (then nothing is written: running it again is safe)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from newsmirror.accounts.stores import accounts_to_database, accounts_to_files
from newsmirror.archive.archive import CACHE_DIR, SHARED_TABLES, STATE_FILE, hold_lock
from newsmirror.errors import ConfigError, RecordError, RefusedInput
from newsmirror.record.log import RECORD_DIR, RecordLog
from newsmirror.record.protocol import Record
from newsmirror.search.postgres import PostgresSearch
from newsmirror.settings.config import load_settings
from newsmirror.settings.values import CONFIG_FILE
from newsmirror.store.follow import catch_up
from newsmirror.store.model import SourceState
from newsmirror.store.postgres import PostgresStore, redacted
from newsmirror.store.postgres.database import Database, open_database
from newsmirror.store.postgres.record import TABLES as RECORD_TABLES
from newsmirror.store.postgres.record import PostgresRecord
from newsmirror.store.protocols import SourceStates
from newsmirror.store.sqlite import SQLiteStore

DATABASE_SCHEMES = ("postgresql://", "postgres://")


Digests = dict[str, list[bytes]]


def digests(record: Record) -> Digests:
    """Each file's lines as SHA-256 digests, in order."""
    return {
        file: [hashlib.sha256(line.encode()).digest() for line in record.lines(file)]
        for file in record.files()
    }


def difference(source: Digests, target: Digests) -> str | None:
    """Where ``target`` differs from ``source`` (None: nowhere), in words."""
    for file in sorted(set(source) | set(target)):
        ours, theirs = source.get(file, []), target.get(file, [])
        if len(ours) != len(theirs):
            return f"{file} has {len(theirs)} lines there, {len(ours)} here"
        for number, (one, other) in enumerate(zip(ours, theirs, strict=True), 1):
            if one != other:
                return f"{file} line {number} differs"
    return None


@dataclass(frozen=True)
class Migrated:
    target: str  # the database's URL without its password, or the folder
    files: int
    revisions: int
    already: bool  # the target held this very record: nothing was written


@dataclass(frozen=True)
class Part:
    """Something migrate carries besides the record, both ways."""

    name: str
    to_database: Callable[[Path, Database], int]  # archive root -> database; how many copied
    to_files: Callable[[Database, Path], int]  # database -> folder; how many copied


def _states_to_database(root: Path, database: Database) -> int:
    """The configured sources' fetch state (validators, schedule, errors) from the archive's
    state.sqlite, if it has one: without it every feed is fetched again unconditionally."""
    path = root / STATE_FILE
    if not path.is_file():
        return 0
    with contextlib.closing(SQLiteStore(path)) as states:
        return _copy_states(root, states, PostgresStore(database))


def _states_to_files(database: Database, folder: Path) -> int:
    """The sources' fetch state into ``folder``'s state.sqlite, when it is an archive (its
    configured sources)."""
    if not (folder / CONFIG_FILE).is_file():
        return 0
    (folder / CACHE_DIR).mkdir(exist_ok=True)
    with contextlib.closing(SQLiteStore(folder / STATE_FILE)) as states:
        return _copy_states(folder, PostgresStore(database), states)


def _copy_states(root: Path, source: SourceStates, target: SourceStates) -> int:
    copied = 0
    for abbr in (s.abbr for s in load_settings(root).sources):
        state = source.source_state(abbr)
        if state != SourceState(abbr):
            target.save_source_state(state)
            copied += 1
    return copied


PARTS: tuple[Part, ...] = (
    Part("source states", _states_to_database, _states_to_files),
    Part("reader accounts", accounts_to_database, accounts_to_files),
)


def migrate(root: Path, target: str) -> tuple[Migrated, list[tuple[str, int]]]:
    """Copy the record of the archive at ``root`` to ``target``, a PostgreSQL URL or a folder,
    then each of ``PARTS``; what was copied, and how many of each part."""
    if not (root / CONFIG_FILE).is_file():
        raise ConfigError(
            f"{root}: not a newsmirror archive (no {CONFIG_FILE}); pass -C DIR of the archive "
            "to migrate"
        )
    if target.lower().startswith(DATABASE_SCHEMES):
        return to_database(root, target)
    if "://" in target:
        raise ConfigError(
            f"--to {target.partition('://')[0]}://…: give a postgresql:// URL or a folder"
        )
    return to_files(root, Path(target))


def to_database(root: Path, url: str) -> tuple[Migrated, list[tuple[str, int]]]:
    """The archive's record files into the database at ``url``, checked; then its state and
    search indexes built there from them."""
    log = RecordLog(root)
    (root / CACHE_DIR).mkdir(exist_ok=True)
    lock = hold_lock(root)  # no run appends to the files while they are copied
    try:
        if not log.files():
            raise RefusedInput(f"{root}: no record to copy (no {RECORD_DIR}/*/*.jsonl)")
        source = digests(log)
        database = open_database(url, SHARED_TABLES)
        try:
            record = PostgresRecord(database)
            with database.together(), database.connection() as connection:
                # Appenders wait until the copy is in (or refused): the check sees it alone.
                connection.execute("LOCK TABLE record IN EXCLUSIVE MODE")
                already = record.count() > 0
                if already:
                    if (where := difference(source, digests(record))) is not None:
                        raise RefusedInput(
                            f"{redacted(url)}: the database holds another record ({where}); "
                            "give an empty one, made with `newsmirror db upgrade`"
                        )
                else:
                    for file in source:
                        record.copy_in(file, log.lines(file))
                    if (where := difference(source, digests(record))) is not None:
                        raise RecordError(
                            f"{redacted(url)}: the copy is not the record ({where}); "
                            "nothing was kept"
                        )
            _build_indexes(database, record, fresh=not already)
            copied = [(part.name, part.to_database(root, database)) for part in PARTS]
        finally:
            database.close()
    finally:
        os.close(lock)
    count = sum(map(len, source.values()))
    return Migrated(redacted(url), len(source), count, already), copied


def _build_indexes(database: Database, record: PostgresRecord, *, fresh: bool) -> None:
    """The state and search indexes made from the record now in the database: ``fresh``, made
    again from nothing (what they held was made from another record); else caught up."""
    store, search = PostgresStore(database), PostgresSearch(database)
    for cache in (store, search):
        if fresh:
            cache.reset()
        catch_up(record, cache)


def to_files(root: Path, folder: Path) -> tuple[Migrated, list[tuple[str, int]]]:
    """The record in the archive's database (``[store] url``) into ``folder/record/``,
    checked."""
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"--to {folder}: not a folder; give a folder to write record/ into")
    url = load_settings(root).store.url
    if not url:
        raise ConfigError(
            f"{root}: the archive's record is in its files, not in a database; "
            "give --to postgresql://… to copy it into one"
        )
    database = open_database(url, RECORD_TABLES)
    try:
        record = PostgresRecord(database)
        with database.together(), database.connection() as connection:
            # One snapshot of the record, whatever workers append meanwhile.
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            source = digests(record)
            if not source:
                raise RefusedInput(f"{redacted(url)}: the database holds no record to copy")
            already = _write_files(folder, record, source)
        copied = [(part.name, part.to_files(database, folder)) for part in PARTS]
    finally:
        database.close()
    count = sum(map(len, source.values()))
    return Migrated(str(folder), len(source), count, already), copied


def _write_files(folder: Path, record: PostgresRecord, source: Digests) -> bool:
    """Write ``record``'s files into ``folder/record`` (``source``: their digests), through a
    folder beside it renamed into place once checked; True: it held them already."""
    existing = RecordLog(folder)
    if existing.files():
        if (where := difference(source, digests(existing))) is not None:
            raise RefusedInput(
                f"--to {folder}: {folder / RECORD_DIR} holds another record ({where}); "
                "give a folder without one"
            )
        return True
    if (folder / RECORD_DIR).exists():
        raise RefusedInput(
            f"--to {folder}: {folder / RECORD_DIR} is there (without record files); "
            "move it away or give another folder"
        )
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".newsmirror-migrate-", dir=folder))
    try:
        for file in source:
            _write(staging / file, (line + "\n" for line in record.lines(file)))
        if (where := difference(source, digests(RecordLog(staging)))) is not None:
            raise RecordError(f"--to {folder}: the copy is not the record ({where})")
        os.rename(staging / RECORD_DIR, folder / RECORD_DIR)
    except OSError as error:
        raise RecordError(
            f"--to {folder}: cannot write: {error.strerror}; free space or fix the disk and "
            "run again (nothing was left in the folder)"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
    return False


def _write(path: Path, lines: Iterable[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        for line in lines:
            handle.write(line.encode())
        handle.flush()
        os.fsync(handle.fileno())
