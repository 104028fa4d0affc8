"""Disks that fail, for tests: a disk that fills up, and a read-only view of an archive.

Both mount file systems, which needs root (or CAP_SYS_ADMIN). Without it they fall back to what
a user can do, so that the tests still test something: the full disk becomes a file-size limit
(RLIMIT_FSIZE) on the commands the test runs, whose writes then fail past the limit (EFBIG, not
ENOSPC); the read-only archive becomes a copy whose files and folders are made read-only with
chmod (which binds everyone but root, so this fallback is taken only when not root).
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

COMMAND = [sys.executable, "-m", "newsmirror.cli.main"]


def _mount(*args: str) -> bool:
    done = subprocess.run(["mount", *args], capture_output=True)
    return done.returncode == 0


class SmallDisk:
    """A folder with ``size`` bytes of room: ``cli()`` runs a command on it, ``grow()`` frees
    space."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size: int | None = size
        path.mkdir(parents=True)
        self.mounted = _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))

    def cli(self, *argv: str) -> subprocess.CompletedProcess[str]:
        limit = None if self.mounted else self.size

        def limited() -> None:
            if limit is not None:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a signal
                resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        return subprocess.run(
            [*COMMAND, *argv], capture_output=True, text=True, preexec_fn=limited, timeout=300
        )

    def grow(self) -> None:
        """Room enough for anything the tests write."""
        self.size = None
        if self.mounted:
            assert _mount("-o", "remount,size=256m", str(self.path))

    def close(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "--lazy", str(self.path)], check=True)


class ReadOnlyView:
    """``root`` seen read-only at ``path``: a read-only bind mount, else a chmod-ed copy."""

    def __init__(self, root: Path, path: Path) -> None:
        self.path = path
        path.mkdir()
        self.mounted = _mount("--bind", str(root), str(path)) and _mount(
            "-o", "remount,ro,bind", str(path)
        )
        if not self.mounted:
            path.rmdir()
            shutil.copytree(root, path, symlinks=True)
            for folder, _, names in os.walk(path):
                for name in [*names, "."]:
                    target = Path(folder, name)
                    mode = target.lstat().st_mode
                    if not stat.S_ISLNK(mode):
                        target.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))

    def close(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "--lazy", str(self.path)], check=True)
        else:
            for folder, _, _ in os.walk(self.path):
                Path(folder).chmod(0o755)
