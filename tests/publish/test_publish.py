"""Commits, pushes to a local bare repository, and the archive lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archive_helpers import git_log, make_archive, nm, rss
from newsmirror.archive.archive import Archive
from newsmirror.errors import ArchiveBusy
from newsmirror.settings.sources import Source
from server import LocalServer, Reply


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def root(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    server.route(
        "/a.xml",
        Reply(
            body=rss([{"title": "One", "link": "https://e.com/1.html", "description": "<p>1</p>"}])
        ),
    )
    return make_archive(tmp_path / "archive", [Source("A", "a", server.url("/a.xml"))], monkeypatch)


def test_push_reaches_every_remote_and_a_failed_push_keeps_the_commit(
    root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "--quiet", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    git(root, "remote", "add", "broken", str(tmp_path / "missing.git"))
    monkeypatch.setenv("NEWSMIRROR_PUBLISH_REMOTES", "origin,broken")
    assert nm(root, "run", "--push") == 0
    out, err = capsys.readouterr()
    assert "push origin: pushed" in out and "push broken: " in err  # the failure is an error
    assert "push broken" not in out and "push broken: pushed" not in err
    branch = git(root, "rev-parse", "--abbrev-ref", "HEAD").strip()
    assert git(remote, "log", "--format=%s", branch).splitlines() == [
        "newsmirror: 1 new, 0 revised"
    ]
    assert git_log(root) == ["newsmirror: 1 new, 0 revised"]
    assert git(root, "status", "--porcelain") == ""


def test_a_second_writer_is_refused_with_a_clear_message(root: Path) -> None:
    with Archive(root):
        with pytest.raises(ArchiveBusy, match="another newsmirror run holds the archive"):
            Archive(root).__enter__()
        done = subprocess.run(
            [sys.executable, "-m", "newsmirror.cli.main", "-C", str(root), "run"],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 1
        assert done.stderr.count("\n") == 1 and "--wait" in done.stderr
        # Readers do not need the lock.
        status = subprocess.run(
            [sys.executable, "-m", "newsmirror.cli.main", "-C", str(root), "status"],
            capture_output=True,
            text=True,
        )
        assert status.returncode == 0
    assert nm(root, "run") == 0


def test_commit_can_be_turned_off(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSMIRROR_PUBLISH_COMMIT", "0")
    assert nm(root, "run") == 0
    assert git_log(root) == []
    assert (root / "lists" / "A.md").exists()


def test_commit_takes_the_working_tree_as_it_is(tmp_path: Path) -> None:
    from newsmirror.publish.commit import commit_all

    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "--quiet")
    (root / "keep.md").write_text("keep")
    (root / "gone.md").write_text("gone")
    (root / '空格 名字 "quoted".md').write_text("中文")
    (root / "run.sh").write_text("#!/bin/sh\n")
    (root / "run.sh").chmod(0o755)
    (root / "link").symlink_to("keep.md")
    (root / "ignored.tmp").write_text("x")
    (root / ".gitignore").write_text("*.tmp\n")
    assert commit_all(root, "first")
    assert not commit_all(root, "nothing changed")
    (root / "gone.md").unlink()
    (root / "keep.md").write_text("kept, changed")
    assert commit_all(root, "second\n\nwith a body")
    files = git(root, "ls-tree", "-r", "--format=%(objectmode) %(path)", "HEAD").splitlines()
    assert sorted(files) == sorted(
        [
            "100644 .gitignore",
            "100644 keep.md",
            "120000 link",
            "100755 run.sh",
            '100644 "\\347\\251\\272\\346\\240\\274 '
            '\\345\\220\\215\\345\\255\\227 \\"quoted\\".md"',
        ]
    )
    assert git(root, "show", "HEAD:keep.md") == "kept, changed"
    assert git(root, "log", "--format=%B", "-1").strip() == "second\n\nwith a body"
    assert git(root, "status", "--porcelain") == ""
