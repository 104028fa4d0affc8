"""Git: one commit per run, pushed to each configured remote; a failed push keeps the commit."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from newsmirror.errors import PublishError


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


def push(root: Path, remotes: list[str], branch: str = "", local: str = "HEAD") -> list[PushResult]:
    """Push ``local`` to ``branch`` (default: the current branch's name) of each remote."""
    target = branch or git(root, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    results = []
    for remote in remotes:
        try:
            done = git(root, "push", "--quiet", remote, f"{local}:refs/heads/{target}", check=False)
        except PublishError as error:  # a hanging remote must not keep the others waiting
            results.append(PushResult(remote, False, str(error)))
            continue
        lines = (done.stderr or done.stdout).strip().splitlines()
        message = "pushed" if done.returncode == 0 else (lines[-1] if lines else "push failed")
        results.append(PushResult(remote, done.returncode == 0, message))
    return results
