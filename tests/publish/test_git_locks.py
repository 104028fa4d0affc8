"""Git's lock files: those of a killed git are recovered from, those of a running git are waited
for and then named, never deleted. Real git processes, killed or kept running by a hook."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive_helpers import git_log, make_archive, nm, rss
from newsmirror.settings.sources import Source
from server import LocalServer, Reply


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def serve_items(server: LocalServer, count: int) -> None:
    items = [{"title": f"Item {i}", "link": f"https://e.example/{i}"} for i in range(count)]
    server.route("/a.xml", Reply(body=rss(items)))


@pytest.fixture
def root(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    serve_items(server, 1)
    root = make_archive(tmp_path / "archive", [Source("A", "a", server.url("/a.xml"))], monkeypatch)
    assert nm(root, "run") == 0
    return root


class HeldIndex:
    """A real ``git commit -a`` holding ``.git/index.lock`` while its pre-commit hook waits for
    ``release()``."""

    def __init__(self, root: Path, hooks: Path) -> None:
        self.gate = hooks / "open"
        hooks.mkdir()
        hook = hooks / "pre-commit"
        hook.write_text(f"#!/bin/sh\nwhile [ ! -e '{self.gate}' ]; do sleep 0.05; done\n")
        hook.chmod(0o755)
        (root / "notes.txt").write_text("one\n")
        git(root, "add", "notes.txt")
        git(root, "commit", "--quiet", "-m", "notes")
        (root / "notes.txt").write_text("two\n")
        self.lock = root / ".git" / "index.lock"
        self.process = subprocess.Popen(
            ["git", "-c", f"core.hooksPath={hooks}", "commit", "--quiet", "-a", "-m", "held"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while not self.lock.exists():  # git takes the lock, then runs the hook
            assert self.process.poll() is None

    def release(self) -> None:
        self.gate.touch()
        self.process.wait()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.gate.touch()  # ends the hook, orphaned now


@pytest.fixture
def held(root: Path, tmp_path: Path) -> Iterator[HeldIndex]:
    holder = HeldIndex(root, tmp_path / "hooks")
    yield holder
    if holder.process.poll() is None:
        holder.kill()


def test_locks_of_a_killed_git_are_recovered_from(
    root: Path, held: HeldIndex, server: LocalServer
) -> None:
    held.kill()
    assert held.lock.exists()  # what a killed git leaves
    branch = git(root, "symbolic-ref", "--short", "HEAD").strip()
    # and what a git killed while moving HEAD or the branch or packing refs leaves
    for name in ("HEAD.lock", f"refs/heads/{branch}.lock", "packed-refs.lock", "config.lock"):
        (root / ".git" / name).write_text("")
    serve_items(server, 2)
    assert nm(root, "run", "--all") == 0
    assert git_log(root)[0].startswith("newsmirror: 1 new")
    assert not list((root / ".git").rglob("*.lock"))
    assert len(git(root, "ls-files", "articles").splitlines()) == 2


def test_a_lock_held_by_a_running_git_is_waited_for(
    root: Path, held: HeldIndex, server: LocalServer
) -> None:
    serve_items(server, 2)
    releaser = threading.Timer(1.0, held.gate.touch)  # the holder finishes while the run waits
    releaser.start()
    assert nm(root, "run", "--all") == 0
    releaser.join()
    assert held.process.wait() == 0  # its lock was left to it: git renames it to the index
    log = git_log(root)
    assert log[0].startswith("newsmirror: 1 new") and log[1] == "held"


def test_a_lock_held_too_long_is_named_and_kept(
    root: Path, held: HeldIndex, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_items(server, 2)
    assert nm(root, "run", "--all") == 1
    err = capsys.readouterr().err
    assert "index.lock" in err and "running git" in err and len(err.strip().splitlines()) == 1
    assert held.lock.exists() and held.process.poll() is None  # never taken from a live git
    held.kill()
    assert nm(root, "run", "--all") == 0  # its holder gone, the lock is stale and recovered from
    assert git_log(root)[0].startswith("newsmirror: 1 new")


def test_a_git_in_a_sibling_whose_name_extends_the_archives_holds_no_lock(
    root: Path, tmp_path: Path, server: LocalServer
) -> None:
    """A git at work in ``archive-old`` names a path that *contains* ``archive`` in its working
    folder, its command line and its environment; it holds none of the archive's locks."""
    sibling = tmp_path / f"{root.name}-old"
    sibling.mkdir()
    git(sibling, "init", "--quiet")
    env = {**os.environ, "PWD": str(sibling), "GIT_DIR": str(sibling / ".git")}
    other = subprocess.Popen(
        ["git", f"--git-dir={sibling / '.git'}", "cat-file", "--batch"],
        cwd=sibling,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    try:
        (root / ".git" / "index.lock").write_text("")  # left by a killed git
        serve_items(server, 2)
        assert nm(root, "run", "--all") == 0
        assert other.poll() is None  # the sibling's git was at work all along
        assert not (root / ".git" / "index.lock").exists()
        assert git_log(root)[0].startswith("newsmirror: 1 new")
    finally:
        other.kill()
        other.wait()
