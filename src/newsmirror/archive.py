"""An archive folder: its settings, record, state and lock, opened together."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Sequence
from datetime import timezone
from pathlib import Path
from types import TracebackType

from .clean import ImagePolicy
from .config import CONFIG_FILE, Settings, load_settings
from .errors import ArchiveBusy, ArchiveError
from .project.mirror import zone
from .record.log import Entry, RecordLog
from .record.model import Revision
from .search import SearchIndex
from .store.sqlite import StateStore

CACHE_DIR = ".newsmirror"
STATE_FILE = f"{CACHE_DIR}/state.sqlite"
SEARCH_FILE = f"{CACHE_DIR}/search.sqlite"
LOCK_FILE = f"{CACHE_DIR}/lock"


class Archive:
    """Open with ``with Archive(root) as archive:``; holds the lock for writers."""

    def __init__(self, root: Path, *, write: bool = True, wait: bool = False) -> None:
        self.root = root.resolve()
        if not (self.root / CONFIG_FILE).is_file():
            raise ArchiveError(
                f"{self.root}: not a newsmirror archive (no {CONFIG_FILE}); "
                "run `newsmirror init` there or pass -C DIR"
            )
        self.settings: Settings = load_settings(self.root)
        self.write = write
        self.wait = wait
        self.log = RecordLog(self.root)
        self._lock_handle: int | None = None
        self._store: StateStore | None = None
        self._search: SearchIndex | None = None

    @property
    def store(self) -> StateStore:
        if self._store is None:
            raise ArchiveError(f"{self.root}: archive used outside `with`")
        return self._store

    @property
    def search(self) -> SearchIndex:
        if self._search is None:
            raise ArchiveError(f"{self.root}: archive used outside `with`")
        return self._search

    @property
    def policy(self) -> ImagePolicy:
        mirror = self.settings.mirror
        return ImagePolicy(mirror.image_policy, mirror.image_proxy)

    @property
    def tz(self) -> timezone:
        return zone(self.settings.mirror.utc_offset)

    def __enter__(self) -> Archive:
        (self.root / CACHE_DIR).mkdir(exist_ok=True)
        if self.write:
            self._acquire_lock()
        self._store = StateStore(self.root / STATE_FILE)
        try:
            self._store.catch_up(self.log)
            self._search = SearchIndex(self.root / SEARCH_FILE, root=self.root)
            self._search.catch_up(self.log)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        if self._search is not None:
            self._search.close()
            self._search = None
        if self._lock_handle is not None:
            os.close(self._lock_handle)  # closing releases the flock
            self._lock_handle = None

    def append(self, batch: Sequence[Revision]) -> list[Entry]:
        """Record revisions durably, then index them for lookups and for search."""
        entries = self.log.append(batch)
        self.store.index(entries)
        self.search.index(entries)
        return entries

    def _acquire_lock(self) -> None:
        handle = os.open(self.root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if self.wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 64, 0).decode(errors="replace").strip() or "another process"
            os.close(handle)
            raise ArchiveBusy(
                f"{self.root}: another newsmirror run holds the archive (pid {holder}); "
                "wait for it to finish, or pass --wait"
            ) from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, str(os.getpid()).encode(), 0)
        self._lock_handle = handle
