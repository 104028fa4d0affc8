"""The Fever API (``/api/fever/``) through the protocol's documented requests (no Fever client
library is kept up on PyPI): every call a POST with ``api_key`` = md5("name:password")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from api_archive import API, BACKENDS, fever_key, login, make_api_archive, reading_of, store_url
from newsmirror.web.app import create_app

FEVER = "/api/fever/"


@pytest.fixture(scope="module", params=BACKENDS)
def client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    url = store_url(request, request.param)
    root = make_api_archive(tmp_path_factory.mktemp("fever") / "archive", url=url)
    with TestClient(create_app(root)) as running:
        yield running


def call(client: TestClient, user: str, query: str, status: int = 200, **form: Any) -> Any:
    answer = client.post(f"{FEVER}?api&{query}", data={"api_key": fever_key(user), **form})
    assert answer.status_code == status, answer.text
    data = answer.json()
    assert data["api_version"] == 3 and data["auth"] == 1
    return data


def every_item(client: TestClient, user: str) -> list[dict[str, Any]]:
    """All items, 50 at a time with since_id, as Fever clients sync."""
    found: list[dict[str, Any]] = []
    while True:
        since = found[-1]["id"] if found else 0
        page = call(client, user, f"items&since_id={since}")["items"]
        if not page:
            return found
        assert len(page) <= 50
        found += page


def ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def test_a_wrong_key_gets_nothing_but_auth_0(client: TestClient) -> None:
    for form in ({}, {"api_key": "0" * 32}, {"api_key": fever_key("alice").upper()[:-1]}):
        answer = client.post(FEVER + "?api&items&groups&unread_item_ids", data=form)
        assert answer.json() == {"api_version": 3, "auth": 0}
    reading_of(client).throttle.succeeded("testclient")  # the test client starts afresh


def test_groups_feeds_and_their_stable_ids(client: TestClient) -> None:
    data = call(client, "alice", "groups&feeds")
    assert [g["title"] for g in data["groups"]] == ["美国"]
    feeds = {f["title"]: f for f in data["feeds"]}
    assert set(feeds) == {"美国之音", "BBC 中文"}
    voa = feeds["美国之音"]["id"]
    assert data["feeds_groups"] == [{"group_id": data["groups"][0]["id"], "feed_ids": str(voa)}]
    assert call(client, "bob", "feeds")["feeds"] == data["feeds"]  # ids are the archive's


def test_items_by_since_max_and_with_ids(client: TestClient) -> None:
    items = every_item(client, "alice")
    numbers = [item["id"] for item in items]
    assert numbers == sorted(numbers) and len(set(numbers)) == 50
    assert call(client, "alice", "items")["total_items"] == 50
    older = call(client, "alice", f"items&max_id={numbers[10]}")["items"]
    assert [i["id"] for i in older] == numbers[9::-1]
    chosen = call(client, "alice", f"items&with_ids={numbers[3]},{numbers[7]},99999")["items"]
    assert [i["id"] for i in chosen] == [numbers[3], numbers[7]]
    edited = next(i for i in items if i["title"] == "中俄关系新动向")
    assert "习近平" in edited["html"] and "共 2 个版本" in edited["html"]
    assert any(i["title"].startswith("【已删除】") for i in items)
    # The same ids as the Google Reader API's.
    headers = login(client, "alice")
    refs = client.get(API + "/stream/items/ids", params={"n": 1000}, headers=headers).json()
    assert sorted(int(r["id"]) for r in refs["itemRefs"]) == numbers


def test_bad_ids_are_refused(client: TestClient) -> None:
    too_many = ",".join(str(n) for n in range(1, 60))
    for query in ("items&since_id=x", "items&max_id=-1", f"items&with_ids={too_many}"):
        assert "error" in call(client, "alice", query, status=400)
    assert "error" in call(client, "alice", "", 400, mark="item", **{"as": "read", "id": "x"})
    assert "error" in call(client, "alice", "", 400, mark="item", **{"as": "eaten", "id": "1"})
    assert "error" in call(client, "alice", "", 404, mark="feed", **{"as": "read", "id": "77"})
    assert "error" in call(client, "alice", "", 404, mark="group", **{"as": "read", "id": "77"})


def test_marks_per_user(client: TestClient) -> None:
    unread = ids(call(client, "alice", "unread_item_ids")["unread_item_ids"])
    bob_unread = ids(call(client, "bob", "unread_item_ids")["unread_item_ids"])
    target = unread[0]
    after = call(client, "alice", "", mark="item", **{"as": "read", "id": str(target)})
    assert ids(after["unread_item_ids"]) == unread[1:]
    saved = call(client, "alice", "", mark="item", **{"as": "saved", "id": str(target)})
    assert ids(saved["saved_item_ids"]) == [target]
    assert ids(call(client, "bob", "unread_item_ids")["unread_item_ids"]) == bob_unread
    assert call(client, "bob", "saved_item_ids")["saved_item_ids"] == ""
    item = call(client, "alice", f"items&with_ids={target}")["items"][0]
    assert item["is_read"] == 1 and item["is_saved"] == 1
    call(client, "alice", "", mark="item", **{"as": "unsaved", "id": str(target)})
    call(client, "alice", "", mark="item", **{"as": "unread", "id": str(target)})
    assert ids(call(client, "alice", "unread_item_ids")["unread_item_ids"]) == unread


def test_mark_feed_and_group_read(client: TestClient) -> None:
    data = call(client, "bob", "groups&feeds")
    feeds = {f["title"]: f["id"] for f in data["feeds"]}
    items = every_item(client, "bob")
    bbc = sorted(i["created_on_time"] for i in items if i["feed_id"] == feeds["BBC 中文"])
    before = str(bbc[3])
    call(
        client, "bob", "", mark="feed", **{"as": "read", "id": feeds["BBC 中文"], "before": before}
    )
    still = {i["id"] for i in every_item(client, "bob") if not i["is_read"]}
    assert len(still) == len(items) - 3
    call(client, "bob", "", mark="group", **{"as": "read", "id": data["groups"][0]["id"]})
    unread = ids(call(client, "bob", "unread_item_ids")["unread_item_ids"])
    assert all(i["feed_id"] == feeds["BBC 中文"] for i in items if i["id"] in unread)
    call(client, "bob", "", mark="group", **{"as": "read", "id": "0"})
    assert call(client, "bob", "unread_item_ids")["unread_item_ids"] == ""
    assert call(client, "alice", "unread_item_ids")["unread_item_ids"] != ""
