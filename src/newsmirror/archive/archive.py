"""An archive folder: its settings, record, state and lock, opened together.

With ``[store] url`` set (shared mode) the record, the state and the search index are in one
PostgreSQL database, reached through one pool, and ``append`` records a batch and takes it into
both indexes in one transaction of it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import timezone
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from newsmirror.clean import ImagePolicy
from newsmirror.errors import ArchiveBusy, ArchiveError, DamagedCache
from newsmirror.record.log import RECORD_DIR, Entry, RecordLog
from newsmirror.record.model import Revision
from newsmirror.record.protocol import Record
from newsmirror.render.paths import ARTICLES_DIR, IMAGES_DIR, LISTS_DIR, README_FILE, zone
from newsmirror.search import SearchIndex
from newsmirror.search.backend import SearchStore
from newsmirror.search.following import Following
from newsmirror.search.postgres import TABLES as SEARCH_TABLES
from newsmirror.search.postgres import PostgresSearch
from newsmirror.settings.config import Settings, load_settings
from newsmirror.settings.values import CONFIG_FILE
from newsmirror.store.follow import Follower, catch_up, follow
from newsmirror.store.model import Located
from newsmirror.store.postgres import PostgresStore
from newsmirror.store.postgres.database import Database, open_database
from newsmirror.store.postgres.record import TABLES as RECORD_TABLES
from newsmirror.store.postgres.record import PostgresRecord
from newsmirror.store.postgres.store import TABLES as STORE_TABLES
from newsmirror.store.protocols import Store
from newsmirror.store.sqlite import SQLiteStore

CACHE_DIR = ".newsmirror"
STATE_FILE = f"{CACHE_DIR}/state.sqlite"
SEARCH_FILE = f"{CACHE_DIR}/search.sqlite"
LOCK_FILE = f"{CACHE_DIR}/lock"
# What a writer writes and git commits: none of it may be a symbolic link (an archive cloned
# from someone else's repository may hold one to any folder; git commits the link, not files).
WRITTEN = (ARTICLES_DIR, LISTS_DIR, RECORD_DIR, IMAGES_DIR, README_FILE)
# Every table of a shared archive's database: the record, the store and the search index.
SHARED_TABLES = (*RECORD_TABLES, *STORE_TABLES, *SEARCH_TABLES)
T = TypeVar("T", bound=Follower[Any])


def _writable(root: Path) -> bool:
    """Whether the archive's caches can be written (the folder, and each file that exists)."""
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        return False
    files = [folder, *(root / name for name in (STATE_FILE, SEARCH_FILE))]
    return all(os.access(f, os.W_OK) for f in files if f.exists())


def _regular(path: Path) -> bool:
    """Whether ``path`` is a regular file itself (not a link to one, a folder or a device)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _rebuilt_if_damaged(path: Path, open_cache: Callable[[Path], T]) -> T:
    """``open_cache(path)``; a damaged cache is deleted and made again from the record, and so
    is one that is no regular file (a folder, or a link, say to /dev/zero, never followed)."""
    odd = [
        part
        for part in (Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm"))
        if os.path.lexists(part) and not _regular(part)
    ]
    for part in odd:
        if part.is_dir() and not part.is_symlink():
            shutil.rmtree(part)
        else:
            part.unlink()
    if odd:
        sys.stderr.write(f"newsmirror: {path}: was not a regular file; rebuilt from the record\n")
    try:
        return open_cache(path)
    except DamagedCache:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        sys.stderr.write(f"newsmirror: {path}: was damaged; rebuilt from the record\n")
        return open_cache(path)


class Archive:
    """Open with ``with Archive(root) as archive:``; holds the lock for writers, but for a
    worker of a shared archive (``lock=False``), which shares the database with others."""

    def __init__(
        self, root: Path, *, write: bool = True, wait: bool = False, lock: bool = True
    ) -> None:
        self.root = root.resolve()
        if not (self.root / CONFIG_FILE).is_file():
            raise ArchiveError(
                f"{self.root}: not a newsmirror archive (no {CONFIG_FILE}); "
                "run `newsmirror init` there or pass -C DIR"
            )
        self.settings: Settings = load_settings(self.root)
        if not lock and not self.settings.store.url:
            raise ArchiveError(
                f"{self.root}: only an archive in a shared database is opened without its lock; "
                "set [store] url (or NEWSMIRROR_STORE_URL)"
            )
        self.write = write
        self.wait = wait
        self.lock = lock
        # The record: the archive's files, or the shared database's once it is opened.
        self._log: Record | None = None if self.settings.store.url else RecordLog(self.root)
        self._database: Database | None = None
        self._lock_handle: int | None = None
        self._store: Store | None = None
        self._search: SearchStore[Any] | None = None
        self._following: Following | None = None  # the SQLite search index, while writing
        self._private: tempfile.TemporaryDirectory[str] | None = None

    @property
    def log(self) -> Record:
        if self._log is None:
            raise ArchiveError(f"{self.root}: archive used outside `with`")
        return self._log

    @property
    def store(self) -> Store:
        if self._store is None:
            raise ArchiveError(f"{self.root}: archive used outside `with`")
        return self._store

    @property
    def search(self) -> SearchStore[Any]:
        if self._search is None:
            raise ArchiveError(f"{self.root}: archive used outside `with`")
        if self._following is not None:
            return self._following.index()
        return self._search

    @property
    def policy(self) -> ImagePolicy:
        mirror = self.settings.mirror
        return ImagePolicy(mirror.image_policy, mirror.image_proxy)

    @property
    def tz(self) -> timezone:
        return zone(self.settings.mirror.utc_offset)

    def __enter__(self) -> Archive:
        caches = self.root
        if not self.write and not _writable(self.root):
            # A read-only archive (a mounted backup, a read-only bind): its caches are copied
            # to a private folder, brought up to date with the record there, dropped at exit.
            self._private = tempfile.TemporaryDirectory(prefix="newsmirror-")
            caches = Path(self._private.name)
            for name in (STATE_FILE, SEARCH_FILE):
                for suffix in ("", "-wal"):
                    copied = caches / f"{name}{suffix}"
                    copied.parent.mkdir(exist_ok=True)
                    # Regular files only: a cache linked to /dev/zero would copy without end;
                    # one not copied is made again from the record.
                    if _regular(self.root / f"{name}{suffix}"):
                        with contextlib.suppress(FileNotFoundError):
                            shutil.copyfile(self.root / f"{name}{suffix}", copied)
        else:
            (self.root / CACHE_DIR).mkdir(exist_ok=True)
        if self.write:
            for name in WRITTEN:
                if (self.root / name).is_symlink():
                    raise ArchiveError(
                        f"{self.root / name}: a symbolic link, where newsmirror writes; put the "
                        "folder itself there (git would commit the link, not what it links to)"
                    )
        try:
            if self.write and self.lock:
                self._acquire_lock()
            if url := self.settings.store.url:  # shared: never deleted and rebuilt here
                self._database = open_database(url, SHARED_TABLES, max_size=8)
                self._log = PostgresRecord(self._database)
                self._store = self._caught_up(PostgresStore(self._database))
                self._search = self._caught_up(PostgresSearch(self._database))
            else:
                self._store = _rebuilt_if_damaged(caches / STATE_FILE, self._open_store)
                self._search = _rebuilt_if_damaged(caches / SEARCH_FILE, self._open_search)
                if self.write and isinstance(self._search, SearchIndex):
                    self._following = Following(self._search, caches / SEARCH_FILE, self.root)
        except BaseException:
            self._close()
            raise
        return self

    def _open_store(self, path: Path) -> Store:
        return self._caught_up(SQLiteStore(path))

    def _open_search(self, path: Path) -> SearchStore[Any]:
        return self._caught_up(SearchIndex(path, root=self.root))

    def _caught_up(self, cache: T) -> T:
        try:
            catch_up(self.log, cache)
        except BaseException:
            cache.close()
            raise
        return cache

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._close(finish=kind is None)

    def _close(self, finish: bool = False) -> None:
        """Release the caches and the lock; ``finish``: index what was appended first."""
        try:
            if self._following is not None:
                self._following.close(finish)
        finally:
            self._release()

    def _release(self) -> None:
        self._following = None
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._search is not None:
            self._search.close()
            self._search = None
        if self._database is not None:
            self._database.close()
            self._database = None
            self._log = None
        if self._lock_handle is not None:
            os.close(self._lock_handle)  # closing releases the flock
            self._lock_handle = None
        if self._private is not None:
            self._private.cleanup()
            self._private = None

    def append(self, batch: Sequence[Revision]) -> list[Entry]:
        """Record revisions durably, then index them for lookups and for search: in a shared
        database all in one transaction (``Conflict`` when another process recorded one of
        them first, and nothing kept). The SQLite search index takes them later, many batches
        at once and, in a large pass, in another process (search/following.py)."""
        # In files there is no transaction: the caches catch up after a crash in between.
        together = self._database.together() if self._database else contextlib.nullcontext()
        with together:
            entries = self.log.append(batch)
            # The store last: its version row, which every writer of the database moves, is
            # then locked only for the store's few statements before the commit, not while
            # the search index cuts the batch's terms.
            if self._following is not None:
                self._following.appended(entries)
            else:
                follow(self.search, entries)
            follow(self.store, entries)
        return entries

    def revisions(self, article: str) -> list[Revision]:
        """Every revision of ``article``, oldest first, as the record has them; [] for an
        article the archive does not have."""
        return [self.read(row) for row in self.store.revisions_of(article)]

    def read(self, row: Located) -> Revision:
        """The revision a store's row (``Shelved``, ``StoredRevision``, ``Pending``) stands for,
        read from the record."""
        return self.log.read_at(row.record_file, row.record_offset)

    def _acquire_lock(self) -> None:
        self._lock_handle = hold_lock(self.root, self.wait)


def hold_lock(root: Path, wait: bool = False) -> int:
    """Take the archive folder's lock (``ArchiveBusy`` when another process has it, unless
    ``wait``); closing the returned descriptor releases it."""
    lock = root / LOCK_FILE
    if lock.is_symlink():  # never ours: writing the pid through it would truncate its target
        lock.unlink()
    handle = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(handle, 64, 0).decode(errors="replace").strip() or "another process"
        os.close(handle)
        raise ArchiveBusy(
            f"{root}: another newsmirror run holds the archive (pid {holder}); "
            "wait for it to finish, or pass --wait"
        ) from None
    try:
        os.ftruncate(handle, 0)
        os.pwrite(handle, str(os.getpid()).encode(), 0)
    except OSError as error:
        os.close(handle)
        raise ArchiveError(
            f"{root / LOCK_FILE}: cannot write: {error.strerror}; free space or fix "
            "the disk and run again"
        ) from None
    return handle
