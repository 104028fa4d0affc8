"""A damaged cache is rebuilt from the record by every command that opens it, with one line
saying so: a state.sqlite or search.sqlite that is garbage, cut short, overwritten in the
middle, or of this version by its number but holding other tables."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from archive_helpers import articles, make_archive, rss
from faults import COMMAND
from newsmirror.settings.sources import Source
from newsmirror.web.app import create_app
from server import LocalServer, Reply

ITEMS = [
    {
        "title": f"Item {i}",
        "link": f"https://e.example/{i}.html",
        "description": f"&lt;p&gt;{'文字 words ' * 300}{i}&lt;/p&gt;",
    }
    for i in range(5)
]


def garbage(path: Path) -> None:
    path.write_bytes(b"not a database at all " * 100)


def truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])


def overwritten(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:100] + bytes(range(256)) * ((len(data) - 100) // 256))


def other_tables(path: Path) -> None:
    """Tables of another making, the version number left as it was."""
    with sqlite3.connect(path) as db:
        if path.name == "state.sqlite":
            db.execute("ALTER TABLE articles RENAME COLUMN title TO headline")
        else:
            db.execute("DROP TABLE docs")
            db.execute("CREATE TABLE docs(article TEXT)")
    db.close()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage": garbage,
    "truncated": truncated,
    "overwritten": overwritten,
    "other tables": other_tables,
}


def cli(root: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, "-C", str(root), *argv], capture_output=True, text=True)


@pytest.fixture
def archive(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    server.route("/feed.xml", Reply(body=rss(ITEMS)))
    root = make_archive(tmp_path / "a", [Source("A", "a", server.url("/feed.xml"))], monkeypatch)
    assert cli(root, "run").returncode == 0
    return root


def damage(archive: Path, cache: str, how: str) -> None:
    for path in (archive / ".newsmirror").glob(f"{cache}-*"):
        path.unlink()  # a log left beside it would be replayed into the damaged file
    DAMAGE[how](archive / ".newsmirror" / cache)


def notice(stderr: str, cache: str) -> None:
    """Exactly one line, saying which cache was rebuilt."""
    assert "Traceback" not in stderr, stderr
    (line,) = stderr.strip().splitlines()
    assert line.startswith("newsmirror: ") and cache in line and "rebuilt" in line, line


@pytest.mark.parametrize("how", DAMAGE)
@pytest.mark.parametrize("cache", ["state.sqlite", "search.sqlite"])
def test_every_command_rebuilds_a_damaged_cache(
    archive: Path, tmp_path: Path, cache: str, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    article = next(iter(articles(archive)))
    commands = [
        ["status"],
        ["search", "--json", "Item"],
        ["show", article],
        ["changes", "--since", "2000-01-01"],
        ["sources", "list"],
        [
            "build",
            "--out",
            str(tmp_path / "site"),
            "--no-search",
            "--base-url",
            "https://m.example/",
        ],
        ["rebuild"],
        ["run", "--all"],
    ]
    for argv in commands:
        damage(archive, cache, how)
        done = cli(archive, *argv)
        assert done.returncode == 0, (argv, done.stderr)
        notice(done.stderr, cache)
    # serve: the reader opens the archive when it starts
    damage(archive, cache, how)
    capsys.readouterr()
    with TestClient(create_app(archive)) as reader:
        assert reader.get("/").status_code == 200
        assert reader.get("/api/search?q=Item").json()["total"] == len(ITEMS)
    notice(capsys.readouterr().err, cache)
    found = cli(archive, "search", "--json", "Item")
    assert found.stdout.count('"article"') == len(ITEMS) and not found.stderr
