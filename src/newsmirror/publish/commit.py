"""One commit per run, built with ``git fast-import`` while the run writes its files.

``git add`` writes a loose object file per file; a first run adds thousands of articles and
spent seconds on that alone. fast-import writes one pack. Files the run writes are streamed to
it as blobs the moment they are written, so their compression overlaps the rest of the run;
the commit at the end names them by mark and inlines whatever else changed.

The commit is the working tree as it is, as ``git add --all`` would stage it. If the run dies
first, fast-import never sees ``done``, fails, and moves no branch.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from newsmirror.errors import PublishError
from newsmirror.publish.git import git
from newsmirror.publish.locks import clear_stale_locks

log = logging.getLogger(__name__)
PIPE_BYTES = 1 << 20


def _changes(root: Path) -> list[str]:
    """Paths whose working-tree state differs from HEAD (new, changed or deleted files)."""
    done = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames")
    return [entry[3:] for entry in done.stdout.split("\0") if len(entry) > 3]


def _identity(root: Path, role: str) -> str:
    done = git(root, "var", f"GIT_{role}_IDENT", check=False)
    if done.returncode == 0 and done.stdout.strip():
        return done.stdout.strip()
    return f"newsmirror <newsmirror@localhost> {int(time.time())} +0000"


def _quoted(path: str) -> bytes:
    if "\n" in path or path.startswith('"'):
        escaped = path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'.encode()
    return path.encode()


def _widen(process: subprocess.Popen[bytes]) -> None:
    """Give fast-import's input pipe 1 MB, not 64 KB (Linux): the run goes on writing files
    while fast-import compresses the last ones, instead of waiting for it at every other file."""
    if process.stdin is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError):  # more than the system allows: the pipe stays as is
            fcntl.fcntl(process.stdin.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _data(payload: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(payload), payload)


class Snapshot:
    """``with Snapshot(root) as snapshot:`` … ``snapshot.add(path, data)`` … ``commit(message)``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # A lock left by a git that was killed (a run killed while committing) would block
        # every later commit.
        clear_stale_locks(root)
        # A file, not a pipe, for fast-import's errors: a full pipe would stall it and us.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        try:
            self._process = subprocess.Popen(
                ["git", "fast-import", "--quiet", "--done"],
                cwd=root,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self._errors,
            )
        except FileNotFoundError:
            self._errors.close()
            raise PublishError(
                "git is not installed; install it or set [publish] commit = false"
            ) from None
        _widen(self._process)
        self._marks: dict[str, tuple[int, int, int]] = {}  # path -> (mark, size, mtime_ns)

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._process.poll() is None:  # never committed: end fast-import without a commit
            self._process.kill()
            self._process.wait()
        self._errors.close()

    def _send(self, data: bytes) -> None:
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(data)
        except BrokenPipeError:
            self._fail()

    def _fail(self) -> None:
        self._process.wait()
        self._errors.seek(0)
        lines = self._errors.read().decode(errors="replace").strip().splitlines()
        raise PublishError(f"git fast-import failed in {self.root}: {lines[-1] if lines else ''}")

    def add(self, path: str, data: bytes) -> None:
        """``data`` was just written to ``path`` (relative to the root)."""
        info = (self.root / path).stat()
        mark = len(self._marks) + 1
        self._marks[path] = (mark, info.st_size, info.st_mtime_ns)
        self._send(b"blob\nmark :%d\n" % mark + _data(data))

    def _file_command(self, path: str) -> bytes | None:
        full = self.root / path
        try:
            info = full.lstat()
        except FileNotFoundError:
            return b"D " + _quoted(path) + b"\n"
        if stat.S_ISLNK(info.st_mode):
            return b"M 120000 inline " + _quoted(path) + b"\n" + _data(os.readlink(full).encode())
        if not stat.S_ISREG(info.st_mode):
            return None  # a nested repository or the like: git add would not take it either
        mode = b"100755" if info.st_mode & stat.S_IXUSR else b"100644"
        streamed = self._marks.get(path)
        if streamed and streamed[1:] == (info.st_size, info.st_mtime_ns):
            return b"M %s :%d %s\n" % (mode, streamed[0], _quoted(path))
        return b"M %s inline %s\n" % (mode, _quoted(path)) + _data(full.read_bytes())

    def commit(self, message: str) -> bool:
        """Commit everything that differs from HEAD; False when nothing does."""
        clear_stale_locks(self.root, ignore={self._process.pid})  # a git since may have died
        changes = _changes(self.root)
        log.debug("%d files streamed to git, %d changed in all", len(self._marks), len(changes))
        if changes:
            branch = git(self.root, "symbolic-ref", "-q", "HEAD", check=False).stdout.strip()
            if not branch:
                raise PublishError(f"{self.root}: HEAD is detached; check out a branch")
            parent = git(self.root, "rev-parse", "-q", "--verify", "HEAD", check=False).stdout
            self._send(
                f"commit {branch}\nauthor {_identity(self.root, 'AUTHOR')}\n"
                f"committer {_identity(self.root, 'COMMITTER')}\n".encode()
                + _data(message.encode())
                + (f"from {parent.strip()}\n".encode() if parent.strip() else b"")
            )
            for path in changes:
                command = self._file_command(path)
                if command:
                    self._send(command)
            self._send(b"\n")
        self._send(b"done\n")
        assert self._process.stdin is not None
        try:
            self._process.stdin.close()
        except BrokenPipeError:
            self._fail()
        if self._process.wait() != 0:
            self._fail()
        if not changes:
            return False
        git(self.root, "reset", "--quiet")  # the index follows the new commit
        # Each commit adds a pack; git consolidates them when they pile up, as after git commit.
        git(self.root, "gc", "--auto", "--quiet", check=False)
        return True


def commit_all(root: Path, message: str) -> bool:
    """Commit the working tree as it is; False when nothing changed."""
    with Snapshot(root) as snapshot:
        return snapshot.commit(message)
