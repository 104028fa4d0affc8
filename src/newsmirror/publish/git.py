"""Git: one commit per run, pushed to each configured remote; a failed push keeps the commit."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import PublishError

# Used only when neither the repository nor the user configured an identity, so an unattended
# run on a fresh machine can still commit.
FALLBACK_IDENTITY = ("-c", "user.name=newsmirror", "-c", "user.email=newsmirror@localhost")


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


def has_identity(root: Path) -> bool:
    return bool(git(root, "config", "user.email", check=False).stdout.strip())


def commit_all(root: Path, message: str) -> bool:
    """Stage everything and commit; False when there was nothing to commit.

    The caller holds the archive lock, so an ``index.lock`` left in place can only be from a
    git process of an earlier run that was killed; it would block every later commit.
    """
    (root / ".git" / "index.lock").unlink(missing_ok=True)
    git(root, "add", "--all")
    if not git(root, "status", "--porcelain", check=False).stdout.strip():
        return False
    identity = () if has_identity(root) else FALLBACK_IDENTITY
    git(root, *identity, "commit", "--quiet", "--no-verify", "-m", message)
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
