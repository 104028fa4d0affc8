"""The Google Reader API (``/api/greader``), in-process through an ASGI client: logins,
tokens, every route with good and bad input, keyset continuations, marks per user."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api_archive import (
    API,
    BACKENDS,
    GREADER,
    PASSWORDS,
    login,
    make_api_archive,
    reading_of,
    store_url,
    users,
)
from newsmirror.archive.archive import Archive
from newsmirror.web.app import create_app
from reader_archive import revision

READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
READING_LIST = "user/-/state/com.google/reading-list"
ROUTES = [
    ("GET", "/token"),
    ("GET", "/user-info"),
    ("GET", "/subscription/list"),
    ("GET", "/tag/list"),
    ("GET", "/unread-count"),
    ("GET", "/stream/contents"),
    ("GET", "/stream/contents/feed/voa"),
    ("GET", "/stream/items/ids"),
    ("POST", "/stream/items/contents"),
    ("POST", "/edit-tag"),
    ("POST", "/mark-all-as-read"),
]


@pytest.fixture(scope="module", params=BACKENDS)
def root(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    url = store_url(request, request.param)
    return make_api_archive(tmp_path_factory.mktemp("greader") / "archive", url=url)


@pytest.fixture(scope="module")
def client(root: Path) -> Iterator[TestClient]:
    with TestClient(create_app(root)) as running:
        yield running


@pytest.fixture(scope="module")
def alice(client: TestClient) -> dict[str, str]:
    return login(client, "alice")


@pytest.fixture(scope="module")
def bob(client: TestClient) -> dict[str, str]:
    return login(client, "bob")


def get(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    answer = client.get(API + path, params=params, headers=headers)
    assert answer.status_code == 200, (path, answer.text)
    return answer.json()


def edit(client: TestClient, headers: dict[str, str], data: dict[str, Any]) -> None:
    token = client.get(API + "/token", headers=headers).text
    answer = client.post(API + "/edit-tag", data={**data, "T": token}, headers=headers)
    assert answer.status_code == 200 and answer.text == "OK", answer.text


def unread(client: TestClient, headers: dict[str, str]) -> dict[str, int]:
    counts = get(client, "/unread-count", headers)["unreadcounts"]
    return {row["id"]: row["count"] for row in counts}


def all_ids(client: TestClient, headers: dict[str, str], **params: Any) -> list[int]:
    """Every id of a stream, page by page through its continuations."""
    found: list[int] = []
    continuation = None
    while True:
        paging = {"c": continuation} if continuation else {}
        page = get(client, "/stream/items/ids", headers, **params, **paging)
        found += [int(ref["id"]) for ref in page["itemRefs"]]
        continuation = page.get("continuation")
        if continuation is None:
            return found


def test_login_gives_no_hint_which_part_was_wrong(client: TestClient) -> None:
    wrong_password = client.post(
        GREADER + "/accounts/ClientLogin", data={"Email": "alice", "Passwd": "nope-nope"}
    )
    no_such_user = client.post(
        GREADER + "/accounts/ClientLogin", data={"Email": "mallory", "Passwd": "nope-nope"}
    )
    assert wrong_password.status_code == no_such_user.status_code == 401
    assert wrong_password.text == no_such_user.text == "Error=BadAuthentication\n"
    # Passwords never travel in a URL.
    assert client.get(GREADER + "/accounts/ClientLogin?Email=alice&Passwd=x").status_code == 405
    json_login = client.post(
        GREADER + "/accounts/ClientLogin",
        data={"Email": "alice", "Passwd": PASSWORDS["alice"], "output": "json"},
    )
    assert json_login.json()["Auth"].startswith("alice/")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_wants_a_valid_token(
    client: TestClient, alice: dict[str, str], method: str, path: str
) -> None:
    token = alice["Authorization"].split("auth=")[1]
    name, secret = token.split("/")
    forged = f"bob/{secret}"  # alice's MAC under bob's name
    for headers in (
        {},
        {"Authorization": "GoogleLogin auth="},
        {"Authorization": f"GoogleLogin auth={name}/{'0' * len(secret)}"},
        {"Authorization": f"GoogleLogin auth={forged}"},
        {"Authorization": f"Bearer {token}"},
    ):
        answer = client.request(method, API + path, headers=headers)
        assert answer.status_code == 401, (path, headers)
    reading_of(client).throttle.succeeded("testclient")  # the test client starts afresh


def test_user_info_subscriptions_folders_and_tags(
    client: TestClient, alice: dict[str, str]
) -> None:
    assert get(client, "/user-info", alice)["userName"] == "alice"
    subscriptions = get(client, "/subscription/list", alice, output="json")["subscriptions"]
    by_id = {s["id"]: s for s in subscriptions}
    assert set(by_id) == {"feed/voa", "feed/bbc"}
    assert by_id["feed/voa"]["title"] == "美国之音"
    assert by_id["feed/voa"]["categories"] == [{"id": "user/-/label/美国", "label": "美国"}]
    assert by_id["feed/bbc"]["categories"] == []
    tags = [t["id"] for t in get(client, "/tag/list", alice)["tags"]]
    assert tags == [STARRED, "user/-/label/美国"]


def test_stream_contents_show_latest_versions_and_removals(
    client: TestClient, alice: dict[str, str]
) -> None:
    items = get(client, "/stream/contents/feed/voa", alice, n=10)["items"]
    by_title = {item["title"]: item for item in items}
    edited = by_title["中俄关系新动向"]
    assert "习近平" in edited["summary"]["content"]  # the latest revision
    assert "共 2 个版本" in edited["summary"]["content"]
    assert "/articles/voa/2026/11/01-story-1.html" in edited["summary"]["content"]
    removed = by_title["【已删除】美国大选"]
    assert "原文已被删除" in removed["summary"]["content"]
    assert edited["origin"]["streamId"] == "feed/voa"
    assert edited["id"].startswith("tag:google.com,2005:reader/item/")
    assert "user/-/label/美国" in edited["categories"]
    # The same stream by ?s=, and a folder holds its sources' items.
    by_s = get(client, "/stream/contents", alice, s="feed/voa", n=10)["items"]
    assert [i["id"] for i in by_s] == [i["id"] for i in items]
    folder = get(client, "/stream/contents/user/-/label/美国", alice, n=10)["items"]
    assert [i["id"] for i in folder] == [i["id"] for i in items]
    escaped = [i for i in get(client, "/stream/contents", alice, n=100)["items"]]
    assert any("<script>" in i["title"] for i in escaped)  # JSON carries text as text


def test_continuations_cover_every_item_once_and_stay_stable(
    client: TestClient, root: Path, alice: dict[str, str]
) -> None:
    everything = all_ids(client, alice, n=7)
    assert len(everything) == len(set(everything)) == 50
    assert everything == sorted(everything, reverse=True)
    oldest_first = all_ids(client, alice, n=7, r="o")
    assert oldest_first == sorted(everything)
    first = get(client, "/stream/items/ids", alice, n=10)
    # New articles arrive between two pages: the next page is the same.
    with Archive(root) as archive:  # a run records
        archive.append(
            [revision(900 + n, "bbc", f"后来的 {n}", "<p>后来。</p>", day=20) for n in range(3)]
        )
    second = get(client, "/stream/items/ids", alice, n=10, c=first["continuation"])
    assert [int(r["id"]) for r in second["itemRefs"]] == everything[10:20]
    newest = get(client, "/stream/items/ids", alice, n=3)["itemRefs"]
    assert [int(r["id"]) for r in newest] == [53, 52, 51]  # ids grow as articles arrive
    # Past the end: an empty page without a continuation.
    past = get(client, "/stream/items/ids", alice, n=10, c=1)
    assert past["itemRefs"] == [] and "continuation" not in past


def test_huge_n_bad_numbers_and_unknown_streams(client: TestClient, alice: dict[str, str]) -> None:
    huge = get(client, "/stream/items/ids", alice, n=10**15)
    assert 50 <= len(huge["itemRefs"]) <= 1000 and "continuation" not in huge
    for params in ({"n": "abc"}, {"c": "x"}, {"ot": "-5"}, {"nt": "1e9"}, {"n": "9" * 40}):
        answer = client.get(API + "/stream/items/ids", params=params, headers=alice)
        assert answer.status_code == 400, params
    for stream in ("feed/nosuch", "user/-/label/nosuch", "splice/x"):
        answer = client.get(API + "/stream/contents", params={"s": stream}, headers=alice)
        assert answer.status_code == 404 and stream.split("/")[-1] in answer.text


def test_time_filters_and_exclusions(client: TestClient, alice: dict[str, str]) -> None:
    items = get(client, "/stream/contents", alice, n=1000)["items"]
    middle = sorted(item["published"] for item in items)[len(items) // 2]
    newer = get(client, "/stream/contents", alice, n=1000, ot=middle)["items"]
    older = get(client, "/stream/contents", alice, n=1000, nt=middle)["items"]
    assert all(i["published"] >= middle for i in newer)
    assert all(i["published"] < middle for i in older)
    assert len(newer) + len(older) == len(items)


def test_marks_are_per_user_and_follow_the_api(
    client: TestClient, alice: dict[str, str], bob: dict[str, str]
) -> None:
    ids = all_ids(client, alice, n=1000)
    before_alice, before_bob = unread(client, alice), unread(client, bob)
    target = ids[0]
    edit(client, alice, {"i": str(target), "a": READ})
    edit(client, alice, {"i": f"tag:google.com,2005:reader/item/{ids[1]:016x}", "a": STARRED})
    after = unread(client, alice)
    assert after[READING_LIST] == before_alice[READING_LIST] - 1
    assert unread(client, bob) == before_bob  # bob's marks are his own
    assert target not in all_ids(client, alice, n=1000, xt=READ)
    assert all_ids(client, alice, n=1000, it=READ) == [target]
    assert all_ids(client, alice, n=1000, s=READ) == [target]
    assert all_ids(client, alice, n=1000, s=STARRED) == [ids[1]]
    assert all_ids(client, bob, n=1000, s=STARRED) == []
    assert target in all_ids(client, bob, n=1000, xt=READ)
    # Unread again; newsboat's form (a=kept-unread) is understood.
    edit(client, alice, {"i": str(target), "r": READ, "a": "user/-/state/com.google/kept-unread"})
    assert unread(client, alice)[READING_LIST] == before_alice[READING_LIST]
    edit(client, alice, {"i": str(ids[1]), "r": STARRED})


def test_edit_tag_refuses_bad_ids_and_stale_tokens(
    client: TestClient, alice: dict[str, str]
) -> None:
    token = client.get(API + "/token", headers=alice).text
    for bad in ("abc", "0", "-3", "tag:google.com,2005:reader/item/xyz", "1" * 30):
        answer = client.post(
            API + "/edit-tag", data={"i": bad, "a": READ, "T": token}, headers=alice
        )
        assert answer.status_code == 400 and "i:" in answer.text, bad
    assert client.post(API + "/edit-tag", data={"a": READ}, headers=alice).status_code == 400
    stale = client.post(API + "/edit-tag", data={"i": "1", "a": READ, "T": "x"}, headers=alice)
    assert stale.status_code == 401
    before = unread(client, alice)
    edit(client, alice, {"i": "999999", "a": READ})  # no such item: nothing changes
    assert unread(client, alice) == before
    contents = client.post(
        API + "/stream/items/contents", data={"i": ["999999", "1"]}, headers=alice
    )
    assert [i["id"][-16:] for i in contents.json()["items"]] == [f"{1:016x}"]


def test_mark_all_as_read_by_feed_folder_and_time(
    client: TestClient, root: Path, bob: dict[str, str]
) -> None:
    token = client.get(API + "/token", headers=bob).text

    def mark_all(**data: Any) -> None:
        answer = client.post(API + "/mark-all-as-read", data={**data, "T": token}, headers=bob)
        assert answer.status_code == 200 and answer.text == "OK", answer.text

    items = get(client, "/stream/contents/feed/bbc", bob, n=1000)["items"]
    cutoff = sorted(i["published"] for i in items)[5]
    mark_all(s="feed/bbc", ts=str(cutoff * 1_000_000 - 1))
    assert unread(client, bob)["feed/bbc"] == len(items) - 5
    mark_all(s="user/-/label/美国")
    assert "feed/voa" not in unread(client, bob)
    bad = client.post(API + "/mark-all-as-read", data={"s": STARRED}, headers=bob)
    assert bad.status_code == 400
    mark_all(s="feed/bbc")
    assert unread(client, bob) == {}


def test_revoked_and_changed_passwords_end_old_tokens(root: Path) -> None:
    with TestClient(create_app(root)) as client:
        headers = login(client, "alice")
        assert client.get(API + "/user-info", headers=headers).status_code == 200
        assert users(root, "revoke", "alice") == 0
        assert client.get(API + "/user-info", headers=headers).status_code == 401
        headers = login(client, "alice")
        assert users(root, "password", "alice", "--password-stdin", stdin="another-pass\n") == 0
        assert client.get(API + "/user-info", headers=headers).status_code == 401
        login(client, "alice", "another-pass")
        assert users(root, "password", "alice", "--password-stdin", stdin="alice-secret-1\n") == 0


def test_repeated_failures_from_one_address_are_slowed_down(root: Path) -> None:
    with TestClient(create_app(root)) as client:
        reading = reading_of(client)
        reading.throttle.clock = lambda: 1000.0  # no time passes between tries
        reading.throttle.succeeded("testclient")  # nothing counted from the module's tests
        for _ in range(5):
            wrong = client.post(
                GREADER + "/accounts/ClientLogin", data={"Email": "alice", "Passwd": "guess"}
            )
            assert wrong.status_code == 401
        waiting = client.post(
            GREADER + "/accounts/ClientLogin",
            data={"Email": "alice", "Passwd": PASSWORDS["alice"]},
        )
        assert waiting.status_code == 429 and int(waiting.headers["retry-after"]) >= 2
        assert client.get(API + "/user-info").status_code == 429  # bad tokens wait too
        reading.throttle.clock = lambda: 1000.0 + 3600.0  # an hour later
        login(client, "alice")
