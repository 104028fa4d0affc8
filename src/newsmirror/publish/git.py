"""Git: one commit per run, pushed to each configured remote; a failed push keeps the commit."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import PublishError


@dataclass(frozen=True)
class PushResult:
    remote: str
    ok: bool
    message: str


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        raise PublishError(
            "git is not installed; install it or set [publish] commit = false"
        ) from None
    except subprocess.TimeoutExpired:
        raise PublishError(f"git {args[0]} took longer than 10 minutes") from None
    if check and done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise PublishError(
            f"git {args[0]} failed in {root}: {detail[-1] if detail else done.returncode}"
        )
    return done


def init_repository(root: Path) -> None:
    if not (root / ".git").exists():
        git(root, "init", "--quiet")


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


def _file_command(root: Path, path: str) -> bytes | None:
    """The fast-import line that makes ``path`` in the commit what it is in the working tree."""
    full = root / path
    try:
        info = full.lstat()
    except FileNotFoundError:
        return b"D " + _quoted(path) + b"\n"
    if stat.S_ISLNK(info.st_mode):
        mode, data = b"120000", os.readlink(full).encode()
    elif stat.S_ISREG(info.st_mode):
        mode = b"100755" if info.st_mode & stat.S_IXUSR else b"100644"
        data = full.read_bytes()
    else:
        return None  # a nested repository or other non-file: git add would not take it either
    return b"M %s inline %s\ndata %d\n%s\n" % (mode, _quoted(path), len(data), data)


def commit_all(root: Path, message: str) -> bool:
    """Commit the working tree as it is; False when nothing changed.

    Uses ``git fast-import``, which writes one pack instead of a loose object per file: a first
    run adds thousands of articles, and ``git add`` spent seconds creating loose objects.
    The caller holds the archive lock, so an ``index.lock`` left in place can only be from a
    git process of an earlier run that was killed; it would block every later commit.
    """
    (root / ".git" / "index.lock").unlink(missing_ok=True)
    changes = _changes(root)
    if not changes:
        return False
    branch = git(root, "symbolic-ref", "-q", "HEAD", check=False).stdout.strip()
    if not branch:
        raise PublishError(f"{root}: HEAD is detached; check out a branch to commit to")
    parent = git(root, "rev-parse", "-q", "--verify", "HEAD", check=False).stdout.strip()
    text = message.encode()
    header = (
        f"commit {branch}\nauthor {_identity(root, 'AUTHOR')}\n"
        f"committer {_identity(root, 'COMMITTER')}\n"
    ).encode() + b"data %d\n%s\n" % (len(text), text)
    if parent:
        header += f"from {parent}\n".encode()
    commands = (_file_command(root, path) for path in changes)
    stream = header + b"".join(c for c in commands if c) + b"\n"
    try:
        done = subprocess.run(
            ["git", "fast-import", "--quiet"],
            cwd=root,
            input=stream,
            capture_output=True,
            timeout=600,
        )
    except subprocess.TimeoutExpired:
        raise PublishError("git fast-import took longer than 10 minutes") from None
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        raise PublishError(f"git fast-import failed in {root}: {lines[-1] if lines else ''}")
    git(root, "reset", "--quiet")  # the index follows the new commit
    return True


def push(root: Path, remotes: list[str], branch: str = "") -> list[PushResult]:
    target = branch or git(root, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    results = []
    for remote in remotes:
        done = git(root, "push", "--quiet", remote, f"HEAD:refs/heads/{target}", check=False)
        lines = (done.stderr or done.stdout).strip().splitlines()
        message = "pushed" if done.returncode == 0 else (lines[-1] if lines else "push failed")
        results.append(PushResult(remote, done.returncode == 0, message))
    return results
