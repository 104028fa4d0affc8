"""`newsmirror publish`: the one publisher of an archive whose workers record into a shared
PostgreSQL database. Revisions reach the database as a worker's pass leaves them (recorded, not
projected); publishing them makes the mirror files and the commit a plain `run` makes of the
same revisions. Real PostgreSQL, real git, real processes for the publishers that race."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from archive_helpers import git_log, make_archive, mirror, nm, rss, story_item
from newsmirror.archive.archive import LOCK_FILE, Archive
from newsmirror.record.model import Revision
from newsmirror.settings.sources import Source
from newsmirror.store.postgres.publication import PUBLICATION_LOCK
from server import LocalServer, Reply

OLD_ARCHIVE = Path(__file__).parents[1] / "data" / "dm-archive"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def committed(root: Path) -> dict[str, str]:
    """The mirror's files and the record's in HEAD's tree: path -> blob."""
    lines = git(root, "ls-tree", "-r", "HEAD", "--", "README.md", "articles", "lists", "record")
    return {line.split("\t")[1]: line.split()[2] for line in lines.splitlines()}


class Worker:
    """Records into the shared archive what a plain run recorded, without projecting: what a
    worker's pass leaves behind (the revisions, in the database's index, none in the mirror)."""

    def __init__(self, plain: Path, shared: Path) -> None:
        self.plain, self.shared = plain, shared
        self.copied: set[tuple[str, int]] = set()

    def record_new(self) -> int:
        batch = []
        for file in sorted((self.plain / "record").rglob("*.jsonl")):
            for line in file.read_bytes().splitlines():
                revision = Revision.from_json(line)
                if (revision.article, revision.rev) not in self.copied:
                    self.copied.add((revision.article, revision.rev))
                    batch.append(revision)
        with Archive(self.shared, lock=False) as archive:  # as workers open it
            archive.append(batch)
        return len(batch)


@pytest.fixture
def farm(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pg_url: str
) -> Iterator[tuple[Path, Path, Worker]]:
    """A plain archive (SQLite, one process) and a shared one of the same two sources."""
    sources = [
        Source("Alpha", "alpha", server.url("/alpha.xml")),
        Source("Beta", "beta", server.url("/beta.xml")),
    ]
    plain = make_archive(tmp_path / "plain", sources, monkeypatch)
    shared = make_archive(tmp_path / "in-database", sources, monkeypatch)
    config = shared / "newsmirror.toml"
    config.write_text(config.read_text().replace('# url = ""', f'url = "{pg_url}"'))
    assert nm(shared, "db", "upgrade") == 0
    server.route("/alpha.xml", Reply(body=rss([story_item(1), story_item(2)])))
    server.route("/beta.xml", Reply(body=rss([story_item(3)])))
    yield plain, shared, Worker(plain, shared)


def edit_alpha(server: LocalServer) -> None:
    server.route(
        "/alpha.xml", Reply(body=rss([story_item(1, "Edited body"), story_item(2), story_item(4)]))
    )


def test_publish_makes_the_mirror_and_the_commit_a_plain_run_makes(
    farm: tuple[Path, Path, Worker], server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    plain, shared, worker = farm
    assert nm(plain, "run") == 0
    assert worker.record_new() == 3
    assert not (shared / "articles").exists()  # recorded, not projected
    capsys.readouterr()
    assert nm(shared, "publish") == 0
    assert capsys.readouterr().out == "committed: newsmirror: 3 new, 0 revised\n"
    assert mirror(shared) == mirror(plain)
    assert committed(shared) == committed(plain)
    assert git_log(shared)[0] == git_log(plain)[0]

    edit_alpha(server)
    assert nm(plain, "run", "--all") == 0
    assert worker.record_new() == 2
    assert nm(shared, "publish") == 0
    assert mirror(shared) == mirror(plain)
    assert committed(shared) == committed(plain)
    assert git_log(shared)[0] == git_log(plain)[0] == "newsmirror: 1 new, 1 revised"
    assert git(shared, "log", "-1", "--format=%b") == "alpha: 1 new, 1 revised"

    capsys.readouterr()
    assert nm(shared, "publish") == 0  # nothing pending: no empty commit
    assert capsys.readouterr().out == "nothing new\n"
    assert len(git_log(shared)) == 2


def test_a_publish_git_refuses_is_completed_by_the_next(
    farm: tuple[Path, Path, Worker], server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    plain, shared, worker = farm
    assert nm(plain, "run") == 0
    worker.record_new()
    assert nm(shared, "publish") == 0
    edit_alpha(server)
    assert nm(plain, "run", "--all") == 0
    worker.record_new()
    branch = git(shared, "symbolic-ref", "--short", "HEAD")
    git(shared, "checkout", "--quiet", "--detach")
    capsys.readouterr()
    assert nm(shared, "publish") == 1
    error = capsys.readouterr().err
    assert error.startswith("newsmirror: ") and "HEAD is detached" in error
    assert error.count("\n") == 1
    with Archive(shared, write=False) as archive:
        assert len(archive.store.unprojected()) == 2  # the ledger still has them pending

    git(shared, "checkout", "--quiet", branch)
    assert nm(shared, "publish") == 0
    assert git_log(shared) == [
        "newsmirror: 1 new, 1 revised",  # counted, though their files were written before
        "newsmirror: 3 new, 0 revised",
    ]
    assert committed(shared) == committed(plain)
    with Archive(shared, write=False) as archive:
        assert archive.store.unprojected() == []


def held_by_test(url: str) -> psycopg.Connection[tuple[object, ...]]:
    """A session holding the publication lock, named as a publisher names itself."""
    holder = psycopg.connect(url, autocommit=True, application_name="newsmirror publish on test")
    holder.execute("SELECT pg_advisory_lock(%s)", (PUBLICATION_LOCK,))
    return holder


def test_a_run_or_publish_that_may_not_wait_names_the_publisher_at_work(
    farm: tuple[Path, Path, Worker], pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    plain, shared, worker = farm
    assert nm(plain, "run") == 0
    worker.record_new()
    with held_by_test(pg_url):
        capsys.readouterr()
        assert nm(shared, "publish", "--no-wait") == 1
        assert capsys.readouterr().err.endswith(
            "newsmirror publish on test is publishing this archive; wait for it to finish, "
            "or leave out --no-wait\n"
        )
        # A run, a re-check and an adoption project and commit too: each is a publisher.
        assert nm(shared, "run") == 1
        assert "newsmirror publish on test is publishing" in capsys.readouterr().err
        assert nm(shared, "recheck", "--source", "alpha", "--since", "2021-01-01") == 1
        assert "newsmirror publish on test is publishing" in capsys.readouterr().err
        assert nm(shared, "adopt", str(OLD_ARCHIVE)) == 1
        said = capsys.readouterr().err
        assert said.endswith("wait for it to finish and adopt again\n") and said.count("\n") == 1
        assert not (shared / "articles").exists()
    assert nm(shared, "publish", "--no-wait") == 0
    assert committed(shared) == committed(plain)


def publisher(shared: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsmirror.cli.main", "-C", str(shared), "publish"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )


def lock_holder_pid(url: str) -> int | None:
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute(
            """SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)
               WHERE l.locktype = 'advisory' AND l.granted AND l.objid = %s""",
            (PUBLICATION_LOCK & 0xFFFFFFFF,),
        ).fetchone()
    return int(str(row[0]).rpartition(" ")[2]) if row else None


def test_a_second_publisher_waits_for_the_first_and_writes_nothing_twice(
    farm: tuple[Path, Path, Worker], pg_url: str
) -> None:
    plain, shared, worker = farm
    assert nm(plain, "run") == 0
    worker.record_new()
    # The first publisher takes the publication lock, then waits on the archive folder's
    # lock, which the test holds: it is at work until the test lets it go on.
    folder_lock = os.open(shared / LOCK_FILE, os.O_RDWR | os.O_CREAT)
    fcntl.flock(folder_lock, fcntl.LOCK_EX)
    first = publisher(shared)
    second = None
    try:
        deadline = time.monotonic() + 120
        while lock_holder_pid(pg_url) != first.pid:
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        second = publisher(shared)
        assert second.stderr is not None
        said = second.stderr.readline()  # it says whom it waits for, once, and waits
        assert said == (
            f"newsmirror: waiting for newsmirror publish on {os.uname().nodename}, "
            f"pid {first.pid} to finish publishing\n"
        )
        assert second.poll() is None
    finally:
        os.close(folder_lock)  # the first goes on
        first_out, first_err = first.communicate(timeout=300)
        second_out, second_err = second.communicate(timeout=300) if second else ("", "")
    assert (first.returncode, first_out, first_err) == (
        0,
        "committed: newsmirror: 3 new, 0 revised\n",
        "",
    )
    assert (second.returncode, second_out, second_err) == (0, "nothing new\n", "")
    assert git_log(shared) == ["newsmirror: 3 new, 0 revised"]
    assert committed(shared) == committed(plain)


def test_publish_needs_a_shared_database(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = make_archive(tmp_path / "alone", [Source("A", "a", server.url("/a"))], monkeypatch)
    assert nm(root, "publish") == 2
    err = capsys.readouterr().err
    assert err.endswith("this one records and publishes with `newsmirror run`\n")
    assert err.count("\n") == 1


def test_publish_to_a_database_of_an_old_schema_or_none_is_one_line(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = make_archive(tmp_path / "a", [Source("A", "a", server.url("/a"))], monkeypatch)
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", pg_url)
    assert nm(root, "publish") == 1  # never upgraded
    err = capsys.readouterr().err
    assert err.endswith("run `newsmirror db upgrade`\n") and err.count("\n") == 1
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", "postgresql://nobody@127.0.0.1:9/none")
    assert nm(root, "publish") == 1
    err = capsys.readouterr().err
    assert "cannot connect to the database" in err and err.count("\n") == 1


def test_a_run_of_a_shared_archive_publishes_what_workers_recorded_too(
    farm: tuple[Path, Path, Worker], capsys: pytest.CaptureFixture[str]
) -> None:
    plain, shared, worker = farm
    assert nm(plain, "run") == 0
    worker.record_new()
    capsys.readouterr()
    assert nm(shared, "run") == 0  # the feeds hold nothing the workers did not record
    assert "0 new, 0 revised" in capsys.readouterr().out
    assert committed(shared) == committed(plain)
    with Archive(shared, write=False) as archive:
        assert archive.store.unprojected() == []
