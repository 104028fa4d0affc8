"""A real Google Reader client against `newsmirror serve`: newsboat (Debian's 2.21 calls its
client the ``feedhq`` url source) logs in, lists the subscriptions and fetches the unread
items; a mark made through the API is seen through the API and by a second client."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest
from test_reader_e2e import serving

from api_archive import BACKENDS, PASSWORDS, fever_key, make_api_archive, store_url

READ = "user/-/state/com.google/read"


def newsboat(work: Path, url: str, user: str, *command: str) -> str:
    """``newsboat -x COMMAND`` as ``user``, with its own configuration and cache in ``work``."""
    work.mkdir(exist_ok=True)
    config = work / "config"
    config.write_text(
        'urls-source "feedhq"\n'
        f'feedhq-url "{url}api/greader"\n'
        f'feedhq-login "{user}"\n'
        f'feedhq-password "{PASSWORDS[user]}"\n',
        encoding="utf-8",
    )
    (work / "urls").touch()
    files = ["-C", str(config), "-c", str(work / "cache.db"), "-u", str(work / "urls")]
    done = subprocess.run(
        ["newsboat", *files, "-x", *command],
        capture_output=True,
        text=True,
        timeout=120,
        env={"HOME": str(work), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def cached_items(work: Path) -> dict[str, tuple[str, int]]:
    """guid -> (feed URL, unread) of what newsboat fetched."""
    with sqlite3.connect(work / "cache.db") as db:
        rows = db.execute("SELECT guid, feedurl, unread FROM rss_item").fetchall()
    return {guid: (feed, unread) for guid, feed, unread in rows}


@pytest.fixture(scope="module", params=BACKENDS)
def root(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    url = store_url(request, request.param)
    return make_api_archive(tmp_path_factory.mktemp("newsboat") / "archive", url=url)


def test_newsboat_reads_and_a_mark_follows_the_user(root: Path, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with serving(root, log=log) as url:
        newsboat(tmp_path / "alice", url, "alice", "reload")
        items = cached_items(tmp_path / "alice")
        # Both subscriptions, at newsboat's 20 items a feed: voa's 3 and bbc's newest 20.
        feeds = {feed for feed, _ in items.values()}
        assert {feed.split("/reader/atom/")[1].split("?")[0] for feed in feeds} == {
            "feed%2Fvoa",
            "feed%2Fbbc",
        }
        assert len(items) == 23 and all(unread for _, unread in items.values())
        assert "23 unread articles" in newsboat(tmp_path / "alice", url, "alice", "print-unread")

        with httpx.Client(base_url=url + "api/greader") as api:
            login = api.post(
                "/accounts/ClientLogin", data={"Email": "alice", "Passwd": PASSWORDS["alice"]}
            )
            token = login.text.split("Auth=")[1].strip()
            headers = {"Authorization": f"GoogleLogin auth={token}"}
            edit = api.get("/reader/api/0/token", headers=headers).text
            guid = sorted(items)[0]  # newsboat's id for the item is the API's
            marked = api.post(
                "/reader/api/0/edit-tag",
                data={"i": guid, "a": READ, "T": edit},
                headers=headers,
            )
            assert marked.text == "OK"
            read = api.get(
                "/reader/api/0/stream/items/ids", params={"s": READ}, headers=headers
            ).json()
            assert [int(ref["id"]) for ref in read["itemRefs"]] == [int(guid[-16:], 16)]
            counts = api.get("/reader/api/0/unread-count", headers=headers).json()
            assert counts["max"] == 49
        # A second client, Fever, sees the mark; bob's items are all still unread.
        with httpx.Client(base_url=url + "api/fever/") as fever:
            seen = fever.post("?api&unread_item_ids", data={"api_key": fever_key("alice")})
            unread = seen.json()["unread_item_ids"].split(",")
            assert len(unread) == 49 and str(int(guid[-16:], 16)) not in unread
            bob = fever.post("?api&unread_item_ids", data={"api_key": fever_key("bob")})
            assert len(bob.json()["unread_item_ids"].split(",")) == 50
        # A second newsboat, bob's, fetches the same items under the same ids.
        newsboat(tmp_path / "bob", url, "bob", "reload")
        assert set(cached_items(tmp_path / "bob")) == set(items)
    output = log.read_bytes().decode("utf-8", "replace")
    for secret in (token, edit, PASSWORDS["alice"], PASSWORDS["bob"], fever_key("alice")):
        assert secret not in output
