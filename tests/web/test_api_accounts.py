"""``newsmirror users`` and the private store: where accounts live (never in the published
tree or the caches), what is kept of a password, the history of marks, backups."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api_archive import API, PASSWORDS, login, make_api_archive, users
from newsmirror.accounts.sqlite import PRIVATE_DIR, private_path
from newsmirror.errors import ConfigError
from newsmirror.publish.commit import commit_all
from newsmirror.settings.config import parse_settings
from newsmirror.web.app import create_app

READ = "user/-/state/com.google/read"
SOURCE = {"name": "美国之音", "abbr": "voa", "url": "https://www.voachinese.com/"}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_api_archive(tmp_path / "archive", extra=5)


def mark_read(client: TestClient, headers: dict[str, str], item: int) -> None:
    answer = client.post(API + "/edit-tag", data={"i": str(item), "a": READ}, headers=headers)
    assert answer.text == "OK"


def unread_ids(client: TestClient, headers: dict[str, str]) -> list[int]:
    answer = client.get(API + "/stream/items/ids", params={"xt": READ, "n": 1000}, headers=headers)
    return [int(ref["id"]) for ref in answer.json()["itemRefs"]]


def test_accounts_stay_out_of_git_and_the_caches(root: Path) -> None:
    path = private_path(root)
    assert path.is_file() and path.parent.name == PRIVATE_DIR
    assert ".newsmirror" not in path.relative_to(root).parts[:-2]
    assert (path.parent / ".gitignore").read_text().splitlines()[-1] == "*"
    assert f"{PRIVATE_DIR}/" in (root / ".gitignore").read_text()
    assert commit_all(root, "the archive as a run commits it")
    committed = subprocess.run(
        ["git", "-C", str(root), "ls-tree", "-r", "--name-only", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "newsmirror.toml" in committed and PRIVATE_DIR not in committed


def test_passwords_are_kept_only_as_slow_salted_hashes(root: Path) -> None:
    data = private_path(root).read_bytes()
    for password in PASSWORDS.values():
        assert password.encode() not in data
    with sqlite3.connect(private_path(root)) as db:
        hashes = [row[0] for row in db.execute("SELECT password_hash FROM users")]
    assert len(hashes) == 2 and all(h.startswith("scrypt$32768$8$1$") for h in hashes)
    assert len({h.split("$")[4] for h in hashes}) == 2  # each its own salt


def test_users_commands(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert users(root, "list") == 0
    listed = capsys.readouterr().out
    assert listed.startswith("alice\t") and "\nbob\t" in listed
    assert users(root, "add", "alice", "--password-stdin", stdin="whatever-1\n") == 2
    assert "exists already" in capsys.readouterr().err
    assert users(root, "add", "bad/name", "--password-stdin", stdin="whatever-1\n") == 2
    assert "user name" in capsys.readouterr().err
    assert users(root, "add", "carol", "--password-stdin", stdin="short\n") == 2
    assert "at least 8" in capsys.readouterr().err
    assert users(root, "password", "nobody", "--password-stdin", stdin="whatever-1\n") == 2
    assert users(root, "remove", "bob") == 0
    capsys.readouterr()
    assert users(root, "list") == 0
    assert "bob" not in capsys.readouterr().out
    assert users(root, "revoke", "alice") == 0
    capsys.readouterr()
    assert users(root, "list") == 0
    assert "Fever off" in capsys.readouterr().out


def test_users_outside_an_archive_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert users(tmp_path, "list") == 1  # an ArchiveError
    error = capsys.readouterr().err
    assert "not a newsmirror archive" in error and "Traceback" not in error
    assert not (tmp_path / PRIVATE_DIR).exists()


def test_marks_keep_their_history_and_survive_rebuilt_caches(root: Path) -> None:
    with TestClient(create_app(root)) as client:
        alice = login(client, "alice")
        first = unread_ids(client, alice)
        mark_read(client, alice, first[0])
        client.post(API + "/edit-tag", data={"i": str(first[0]), "r": READ}, headers=alice)
        mark_read(client, alice, first[0])
    with sqlite3.connect(private_path(root)) as db:
        log = db.execute("SELECT item, mark, value FROM mark_log ORDER BY seq").fetchall()
    assert log == [(first[0], "read", 1), (first[0], "read", 0), (first[0], "read", 1)]
    shutil.rmtree(root / ".newsmirror")  # the caches: deleted, rebuilt from the record
    with TestClient(create_app(root)) as client:
        alice = login(client, "alice")
        assert unread_ids(client, alice) == first[1:]  # same ids, same marks


def test_export_and_import_restore_accounts_and_marks(tmp_path: Path, root: Path) -> None:
    with TestClient(create_app(root)) as client:
        alice = login(client, "alice")
        item = unread_ids(client, alice)[2]
        mark_read(client, alice, item)
        expected = unread_ids(client, alice)
    backup = tmp_path / "accounts.json"
    assert users(root, "export", str(backup)) == 0
    assert backup.stat().st_mode & 0o077 == 0  # hashes and token keys: the owner's only
    assert json.loads(backup.read_text())["format"] == "newsmirror-accounts"
    assert users(root, "import", str(backup)) == 2  # never over existing accounts
    private_path(root).unlink()
    assert users(root, "import", str(backup)) == 0
    with TestClient(create_app(root)) as client:
        assert unread_ids(client, login(client, "alice")) == expected
    (tmp_path / "junk.json").write_text("[1, 2")
    assert users(root, "import", str(tmp_path / "junk.json")) == 2


def test_a_source_group_must_be_text(tmp_path: Path) -> None:
    good = parse_settings({"sources": [{**SOURCE, "group": " 美国 "}]})
    assert good.sources[0].group == "美国"
    for bad in (5, "a\x00b", "x" * 101):
        with pytest.raises(ConfigError, match="group"):
            parse_settings({"sources": [{**SOURCE, "group": bad}]})
