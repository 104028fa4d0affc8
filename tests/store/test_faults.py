"""Faults of the disk and of the caches, as a failing machine presents them: a disk that fills
up, an archive that is read-only, a damaged state.sqlite or search.sqlite. Each is one line
naming the file and what to do; what can go on, goes on."""

from __future__ import annotations

import resource
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from archive_helpers import articles, git_log, make_archive, rss
from faults import COMMAND, ReadOnlyView, SmallDisk
from newsmirror.settings.sources import Source
from newsmirror.web.app import create_app
from server import LocalServer, Reply

# 40 items of about 30 KB of text each: more than the small disks below hold.
ITEMS = [
    {
        "title": f"Item {i}",
        "link": f"https://e.example/{i}.html",
        "description": f"&lt;p&gt;{'文字 words ' * 3000}{i}&lt;/p&gt;",
    }
    for i in range(40)
]


def no_traceback(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The command's error lines; none of them a traceback, each one naming newsmirror."""
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    lines = done.stderr.strip().splitlines()
    assert all(line.startswith("newsmirror") for line in lines), done.stderr
    return lines


def cli(root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, "-C", str(root), *argv], capture_output=True, text=True)


@pytest.fixture
def disk(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[SmallDisk]:
    small = SmallDisk(tmp_path / "disk", request.param)
    yield small
    small.close()


# Sizes that fill up at different stages: the caches at opening, in the run, the mirror files.
@pytest.mark.parametrize("disk", [300_000, 3_000_000, 5_000_000, 6_000_000], indirect=True)
def test_a_full_disk_is_one_line_and_freeing_space_recovers(
    server: LocalServer, disk: SmallDisk, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route("/feed.xml", Reply(body=rss(ITEMS)))
    root = make_archive(disk.path / "a", [Source("A", "a", server.url("/feed.xml"))], monkeypatch)
    full = disk.cli("-C", str(root), "run")
    assert full.returncode != 0, full.stdout
    lines = no_traceback(full)
    assert len(lines) == 1
    assert any(
        word in lines[0] for word in ("free space", "No space", "File too large", "disk is full")
    ), lines
    assert "failed" not in full.stdout  # the disk's fault is not counted against the source
    for argv in (["status"], ["search", "Item"]):  # what reads still works, or says why not
        assert disk.cli("-C", str(root), *argv).returncode in (0, 1)
    disk.grow()
    done = disk.cli("-C", str(root), "run", "--all")
    assert done.returncode == 0, done.stderr
    no_traceback(done)
    assert len(articles(root)) == len(ITEMS)
    assert git_log(root)[0].startswith("newsmirror:")
    assert cli(root, "status").returncode == 0


@pytest.fixture
def archive(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    server.route("/feed.xml", Reply(body=rss(ITEMS[:5])))
    root = make_archive(tmp_path / "a", [Source("A", "a", server.url("/feed.xml"))], monkeypatch)
    assert cli(root, "run").returncode == 0
    return root


def test_a_read_only_archive_can_be_read(archive: Path, tmp_path: Path) -> None:
    # The caches are behind the record, as after a run killed before indexing: they cannot be
    # brought up to date where they are.
    for cache in (archive / ".newsmirror").glob("*.sqlite*"):
        cache.unlink()
    view = ReadOnlyView(archive, tmp_path / "view")
    try:
        status = cli(view.path, "status")
        assert status.returncode == 0 and "Traceback" not in status.stderr
        found = cli(view.path, "search", "--json", "Item")
        assert found.returncode == 0 and found.stdout.count('"article"') == 5, found.stderr
        with TestClient(create_app(view.path)) as reader:  # and serve
            assert reader.get("/").status_code == 200
            assert reader.get("/api/search?q=Item").json()["total"] == 5
        for argv in (["run"], ["rebuild"]):  # commands that write say so in one line
            done = cli(view.path, *argv)
            assert done.returncode == 1
            (line,) = no_traceback(done)
            assert ("lock" in line and "writable" in line) or "Permission denied" in line
    finally:
        view.close()


@pytest.mark.parametrize("part", ["articles", "lists", "record", "images", "README.md"])
def test_a_part_linked_out_of_the_archive_is_never_written_through(
    archive: Path, tmp_path: Path, part: str
) -> None:
    # An archive cloned from someone else's repository: git keeps a folder as a link anywhere.
    outside = tmp_path / "outside"
    outside.mkdir()
    target = archive / part
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink(missing_ok=True)
    target.symlink_to(outside)
    for argv in (["run", "--all"], ["rebuild"], ["build"]):
        done = cli(archive, *argv)
        assert done.returncode == 1
        (line,) = no_traceback(done)
        assert f"{target}: a symbolic link" in line
    assert list(outside.iterdir()) == []
    if part != "record":  # reads go on (the record itself was replaced by the link here)
        assert cli(archive, "search", "--json", "Item").stdout.count('"article"') == 5


@pytest.mark.parametrize("cache", ["state.sqlite", "search.sqlite", "search.sqlite-wal"])
@pytest.mark.parametrize("odd", ["a link to /dev/zero", "a folder"])
def test_a_cache_that_is_no_file_is_never_followed_and_is_rebuilt(
    archive: Path, tmp_path: Path, cache: str, odd: str
) -> None:
    # A read-only archive copies its caches aside: one linked to /dev/zero was copied without
    # end (2.6 GB in 2 s); a writable one answered "check the disk" to every command.
    path = archive / ".newsmirror" / cache
    path.unlink(missing_ok=True)
    if odd == "a folder":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")
    view = ReadOnlyView(archive, tmp_path / "view")
    try:
        found = subprocess.run(
            [*COMMAND, "-C", str(view.path), "search", "--json", "Item"],
            capture_output=True,
            text=True,
            timeout=60,
            # Should it copy without end again, it stops at 100 MB instead of filling /tmp.
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (100 << 20, 100 << 20)),
        )
        assert found.stdout.count('"article"') == 5, found.stderr
    finally:
        view.close()
    for argv in (["search", "--json", "Item"], ["run", "--all"]):
        done = cli(archive, *argv)
        assert done.returncode == 0, done.stderr
        assert all("rebuilt" in line for line in no_traceback(done))
    assert cli(archive, "search", "--json", "Item").stdout.count('"article"') == 5


def test_a_lock_file_that_is_a_link_is_never_written_through(archive: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    lock = archive / ".newsmirror" / "lock"
    lock.unlink()
    lock.symlink_to(victim)
    assert cli(archive, "rebuild").returncode == 0
    assert victim.read_text(encoding="utf-8") == "precious"


@pytest.mark.parametrize("cache", ["state.sqlite", "search.sqlite"])
@pytest.mark.parametrize("damage", ["garbage", "overwritten pages", "truncated"])
def test_a_damaged_cache_is_rebuilt_from_the_record(archive: Path, cache: str, damage: str) -> None:
    path = archive / ".newsmirror" / cache
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a database at all " * 100)
    elif damage == "overwritten pages":
        path.write_bytes(data[:100] + bytes(range(256)) * ((len(data) - 100) // 256))
    else:
        path.write_bytes(data[: len(data) // 3])
    for argv in (["status"], ["search", "--json", "Item"], ["run", "--all"]):
        done = cli(archive, *argv)
        assert done.returncode == 0, done.stderr
        lines = no_traceback(done)
        assert all(cache in line and "rebuilt" in line for line in lines)
    assert cli(archive, "search", "--json", "Item").stdout.count('"article"') == 5


def test_a_first_build_cut_short_is_taken_up_by_the_next(
    archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The site's folder fills up half-way through the first build: pages written, no manifest.
    disk = SmallDisk(tmp_path / "disk", 60_000)
    try:
        out = disk.path / "site"
        cut = disk.cli("-C", str(archive), "build", "--out", str(out), "--no-search")
        assert cut.returncode != 0
        assert len(no_traceback(cut)) == 1
        assert any(out.iterdir())
        disk.grow()
        done = disk.cli("-C", str(archive), "build", "--out", str(out), "--no-search")
        assert done.returncode == 0, done.stderr
        assert (out / "index.html").is_file()
        assert sum(1 for _ in out.rglob("*.html")) > len(ITEMS[:5])
    finally:
        disk.close()


def test_a_state_holding_extreme_values_is_read(archive: Path) -> None:
    # What years of failures in a row, or a cache written by another version, leave behind.
    with sqlite3.connect(archive / ".newsmirror" / "state.sqlite") as db:
        db.execute("UPDATE sources SET errors = 5000, next_due = 1e300")
    assert cli(archive, "status").returncode in (0, 1)
    done = cli(archive, "run", "--all")
    assert done.returncode == 0 and not done.stderr, done.stderr
    assert cli(archive, "status").returncode == 0


def test_a_source_folder_linked_out_of_the_archive_is_never_written_through(
    archive: Path, server: LocalServer, tmp_path: Path
) -> None:
    # A link deeper than the top-level folders, as a cloned repository can carry one.
    outside = tmp_path / "outside"
    outside.mkdir()
    linked = archive / "articles" / "a"
    shutil.rmtree(linked)
    linked.symlink_to(outside)
    server.route("/feed.xml", Reply(body=rss(ITEMS[:6])))  # one new article for the source
    for argv in (["run", "--all"], ["rebuild"]):
        done = cli(archive, *argv)
        assert done.returncode == 1, done.stdout
        (line,) = no_traceback(done)
        assert str(linked) in line and "outside" in line
        assert list(outside.iterdir()) == []
    recorded = "".join(p.read_text() for p in (archive / "record").rglob("*") if p.is_file())
    assert "Item 5" in recorded  # what was fetched is kept in the record
    linked.unlink()  # the link replaced by a folder: the mirror is written whole again
    assert cli(archive, "rebuild").returncode == 0
    assert len(articles(archive)) == 6
