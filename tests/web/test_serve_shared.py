"""An archive in a shared PostgreSQL database: several `serve` processes (as behind a proxy,
each on its own machine with its own copy of the archive's folder) answer the same, a mark
made through one is seen through the other, and failed logins count in all; `users` keeps
its accounts in the database, and accounts move between accounts.sqlite and the database."""

from __future__ import annotations

import json
import shutil
from contextlib import closing
from pathlib import Path

import httpx
import psycopg
import pytest
from starlette.testclient import TestClient
from test_reader_e2e import serving

from api_archive import API, GREADER, PASSWORDS, login, make_api_archive, users
from newsmirror.accounts.postgres import open_private
from newsmirror.accounts.sqlite import PRIVATE_DIR, SQLitePrivateStore, private_path
from newsmirror.accounts.stores import copy_accounts
from newsmirror.cli.main import main
from newsmirror.errors import ConfigError
from newsmirror.web.app import create_app

READ = "user/-/state/com.google/read"


def api_login(api: httpx.Client, name: str) -> dict[str, str]:
    answer = api.post(
        GREADER + "/accounts/ClientLogin", data={"Email": name, "Passwd": PASSWORDS[name]}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"GoogleLogin auth={answer.text.split('Auth=')[1].strip()}"}


def unread_ids(api: httpx.Client, headers: dict[str, str]) -> list[int]:
    answer = api.get(API + "/stream/items/ids", params={"xt": READ, "n": 1000}, headers=headers)
    assert answer.status_code == 200, answer.text
    return [int(ref["id"]) for ref in answer.json()["itemRefs"]]


def test_two_serve_processes_on_one_database_answer_the_same(tmp_path: Path, pg_url: str) -> None:
    first = make_api_archive(tmp_path / "first", extra=5, url=pg_url)
    # The second machine's copy of the folder: the configuration and the record, no caches.
    second = tmp_path / "second"
    shutil.copytree(first, second, ignore=shutil.ignore_patterns(".newsmirror*"))
    assert not private_path(first).exists() and not private_path(second).exists()
    with (
        serving(first) as one,
        serving(second) as other,
        httpx.Client(base_url=one) as a,
        httpx.Client(base_url=other) as b,
    ):
        for page in ("", "search.html?q=%E6%99%AE%E4%BA%AC", "feed.xml", "sources/voa/"):
            assert a.get(page).content == b.get(page).content, page
        alice = api_login(a, "alice")
        unread = unread_ids(a, alice)
        assert unread_ids(b, alice) == unread  # one token, the same items by the same ids
        token = a.get(API + "/token", headers=alice).text
        marked = a.post(
            API + "/edit-tag", data={"i": str(unread[0]), "a": READ, "T": token}, headers=alice
        )
        assert marked.text == "OK"
        assert unread_ids(b, alice) == unread[1:]  # the mark made through the first
        bob = api_login(b, "bob")
        assert unread_ids(a, bob) == unread  # marks stay per user
        counts = [c.get(API + "/unread-count", headers=alice).json() for c in (a, b)]
        assert counts[0] == counts[1]
        # A guesser spread over both is slowed down by both.
        for client in (a, b, a, b, a):
            wrong = {"Email": "alice", "Passwd": "a-guess"}
            assert client.post(GREADER + "/accounts/ClientLogin", data=wrong).status_code == 401
        right = {"Email": "alice", "Passwd": PASSWORDS["alice"]}
        assert b.post(GREADER + "/accounts/ClientLogin", data=right).status_code == 429


def test_users_keep_their_accounts_in_the_shared_database(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_api_archive(tmp_path / "archive", extra=5, url=pg_url)
    assert not (root / PRIVATE_DIR).exists()  # nothing of them in the folder
    capsys.readouterr()
    assert users(root, "list") == 0
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == [
        "alice",
        "bob",
    ]
    assert users(root, "add", "alice", "--password-stdin", stdin="another-pw\n") == 2
    assert "exists already" in capsys.readouterr().err
    with TestClient(create_app(root)) as client:
        headers = login(client, "alice")
        item = client.get(API + "/stream/items/ids", headers=headers).json()["itemRefs"][0]["id"]
        client.post(API + "/edit-tag", data={"i": item, "a": READ}, headers=headers)
    with psycopg.connect(pg_url) as db:
        logged = db.execute("SELECT item, mark, value FROM reader_mark_log").fetchall()
    assert logged == [(int(item), "read", 1)]  # the marks' history, in the database
    assert users(root, "password", "alice", "--password-stdin", stdin="a-new-password\n") == 0
    assert users(root, "remove", "bob") == 0
    with psycopg.connect(pg_url) as db:
        assert db.execute("SELECT name FROM reader_users").fetchall() == [("alice",)]


def test_accounts_move_between_accounts_sqlite_and_the_database(
    tmp_path: Path, pg_url: str
) -> None:
    alone = make_api_archive(tmp_path / "alone", extra=5)
    with TestClient(create_app(alone)) as client:
        headers = login(client, "alice")
        ids = client.get(API + "/stream/items/ids", headers=headers).json()["itemRefs"]
        for ref in ids[:3]:
            client.post(API + "/edit-tag", data={"i": ref["id"], "a": READ}, headers=headers)
    shared = make_api_archive(tmp_path / "in-database", extra=5)  # its own accounts: moved aside
    shutil.rmtree(shared / PRIVATE_DIR)
    config = shared / "newsmirror.toml"
    config.write_text(config.read_text().replace('# url = ""', f'url = "{pg_url}"'))
    assert main(["-C", str(shared), "db", "upgrade"]) == 0
    source = SQLitePrivateStore(private_path(alone))
    database = open_private(pg_url)
    try:
        assert copy_accounts(source, database) == 2
        assert database.export() == source.export()
        with pytest.raises(ConfigError, match="has accounts already"):
            copy_accounts(source, database)
        back = SQLitePrivateStore(tmp_path / "back.sqlite")
        try:
            copy_accounts(database, back)
            assert back.export() == source.export()
        finally:
            back.close()
        # New ids go on after the copied ones, in the database as in the file.
        assert database.add_items([("new-article", "bbc", 1)]) == 1
        assert database.last_item() == source.last_item() + 1
    finally:
        source.close()
        database.close()
    with TestClient(create_app(shared)) as client:  # the marks made alone, served shared
        headers = login(client, "alice")
        unread = client.get(
            API + "/stream/items/ids", params={"xt": READ, "n": 1000}, headers=headers
        ).json()["itemRefs"]
        assert {ref["id"] for ref in ids[:3]}.isdisjoint(ref["id"] for ref in unread)


def test_users_export_from_a_file_imports_into_the_database(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    alone = make_api_archive(tmp_path / "alone", extra=5)
    backup = tmp_path / "accounts.json"
    assert users(alone, "export", str(backup)) == 0
    shared = make_api_archive(tmp_path / "in-database", extra=5, url=pg_url)
    capsys.readouterr()
    assert users(shared, "import", str(backup)) == 2  # it has accounts already
    err = capsys.readouterr().err
    assert "has accounts already" in err and err.count("\n") == 1
    with psycopg.connect(pg_url) as db:
        for table in ("reader_mark_log", "reader_marks", "reader_read_counts", "reader_users"):
            db.execute(f"DELETE FROM {table}")
    assert users(shared, "import", str(backup)) == 0
    exported = tmp_path / "again.json"
    assert users(shared, "export", str(exported)) == 0
    assert json.loads(exported.read_text()) == json.loads(backup.read_text())


def test_users_and_serve_on_a_database_of_an_old_schema_or_none_are_one_line(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_api_archive(tmp_path / "archive", extra=5)
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", pg_url)  # never upgraded
    for command in (["users", "list"], ["serve", "--port", "1"]):
        capsys.readouterr()
        assert main(["-C", str(root), *command]) == 1
        err = capsys.readouterr().err
        assert err.endswith("run `newsmirror db upgrade`\n") and err.count("\n") == 1, command
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", "postgresql://nobody@127.0.0.1:9/none")
    assert users(root, "list") == 1
    err = capsys.readouterr().err
    assert "cannot connect to the database" in err and err.count("\n") == 1


def test_migrate_carries_the_accounts_both_ways(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    alone = make_api_archive(tmp_path / "alone", extra=5)
    with TestClient(create_app(alone)) as client:
        headers = login(client, "alice")
        ids = client.get(API + "/stream/items/ids", headers=headers).json()["itemRefs"]
        client.post(API + "/edit-tag", data={"i": ids[0]["id"], "a": READ}, headers=headers)
    with closing(SQLitePrivateStore(private_path(alone))) as kept:
        original = kept.export()
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", pg_url)
    assert main(["-C", str(alone), "db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["-C", str(alone), "migrate", "--to", pg_url]) == 0
    assert "reader accounts: 2 copied" in capsys.readouterr().out
    with TestClient(create_app(alone)) as client:  # now served from the database
        headers = login(client, "alice")
        unread = client.get(
            API + "/stream/items/ids", params={"xt": READ, "n": 1000}, headers=headers
        ).json()["itemRefs"]
        assert ids[0]["id"] not in [ref["id"] for ref in unread]
    assert main(["-C", str(alone), "migrate", "--to", pg_url]) == 0  # again: nothing twice
    assert "reader accounts: 0 copied" in capsys.readouterr().out

    back = tmp_path / "back"
    assert main(["-C", str(alone), "migrate", "--to", str(back)]) == 0
    assert "reader accounts: 2 copied" in capsys.readouterr().out
    with closing(SQLitePrivateStore(private_path(back))) as returned:
        exported = returned.export()
    assert exported["users"] == original["users"]
    assert exported["mark_log"] == original["mark_log"]
    assert exported["marks"] == original["marks"]
