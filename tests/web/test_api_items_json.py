"""Google Reader items are encoded once per article revision and kept: what is kept must give
the same JSON as encoding the answer afresh, and must never outlive a mark or a new revision."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api_archive import API, login, make_api_archive
from newsmirror.archive.archive import Archive
from newsmirror.record.log import RecordLog
from newsmirror.web.app import create_app
from reader_archive import revision

READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_api_archive(tmp_path / "archive")


@pytest.fixture
def client(root: Path) -> Iterator[TestClient]:
    with TestClient(create_app(root)) as running:
        yield running


def answer(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    got = client.get(API + path, params=params, headers=headers)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "application/json"
    parsed = got.json()
    # Byte for byte what JSONResponse writes for the same answer.
    fresh = json.dumps(parsed, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    assert got.content == fresh.encode()
    return parsed


def test_kept_items_give_the_same_json_and_follow_marks(client: TestClient, root: Path) -> None:
    alice, bob = login(client, "alice"), login(client, "bob")
    first = answer(client, "/stream/contents", alice, n=5)["items"]
    again = answer(client, "/stream/contents", alice, n=5)["items"]
    assert again == first
    newest = first[0]["id"]
    token = client.get(API + "/token", headers=alice).text
    marked = client.post(
        API + "/edit-tag", data={"i": newest, "a": [READ, STARRED], "T": token}, headers=alice
    )
    assert marked.status_code == 200
    after = answer(client, "/stream/contents", alice, n=5)["items"]
    assert READ in after[0]["categories"] and STARRED in after[0]["categories"]
    assert {k: v for k, v in after[0].items() if k != "categories"} == {
        k: v for k, v in first[0].items() if k != "categories"
    }
    # Bob's marks are his own, though the item's JSON is kept once for both.
    theirs = answer(client, "/stream/contents", bob, n=5)["items"]
    assert READ not in theirs[0]["categories"]
    contents = client.post(API + "/stream/items/contents", data={"i": newest}, headers=alice)
    assert contents.json()["items"][0]["categories"] == after[0]["categories"]
    assert (
        contents.content
        == json.dumps(contents.json(), ensure_ascii=False, separators=(",", ":")).encode()
    )


def test_a_new_revision_replaces_the_kept_item(client: TestClient, root: Path) -> None:
    alice = login(client, "alice")
    items = answer(client, "/stream/contents/feed/bbc", alice, n=3)["items"]
    newest = items[0]
    n = int(newest["canonical"][0]["href"].rsplit("-", 1)[1].removesuffix(".html"))
    RecordLog(root).append(
        [revision(n, "bbc", "改过的标题", "<p>改过的正文。</p>", rev=2, day=n // 24)]
    )
    with Archive(root):  # a run indexes what the record gained
        pass
    changed = answer(client, "/stream/contents/feed/bbc", alice, n=3)["items"][0]
    assert changed["id"] == newest["id"]
    assert changed["title"] == "改过的标题"
    assert "改过的正文" in changed["summary"]["content"]
    assert "共 2 个版本" in changed["summary"]["content"]
