"""The web reader under requests an attacker makes up: any path, any query, any method. Nothing
answers 500; every 4xx under /api is the JSON error."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from newsmirror.web.app import create_app
from reader_archive import make_reader_archive

ROUTES = [
    "/", "/index.html", "/search.html", "/search.atom", "/atom.xml", "/rss.xml", "/feed.json",
    "/sources/voa/", "/sources/voa/index.html", "/sources/voa/2.html", "/sources/voa/days.html",
    "/sources/voa/2026-11-01.html", "/sources/voa", "/sources/nosuch/", "/articles/voa/",
    "/images/", "/static/", "/api/sources", "/api/articles", "/api/articles/voa00000000000001",
    "/api/search", "/api/", "/api/nosuch",
]  # fmt: skip
PARAMETERS = ["q", "since", "until", "status", "page", "size", "source", "day", "rev"]
VALUES = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=10),
    st.sampled_from(["9999-12-31", "0001-01-01", "0000-00-00", "2024-02-30", "-1", "0",
                     "99999999999999999999", "nan", "1e9", "voa", "edited", "removed"]),
)  # fmt: skip


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = make_reader_archive(tmp_path_factory.mktemp("reader") / "archive", extra=5)
    with TestClient(create_app(root), raise_server_exceptions=False) as running:
        yield running


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    route=st.one_of(
        st.sampled_from(ROUTES),
        st.sampled_from(ROUTES).flatmap(
            lambda r: VALUES.map(lambda v: r.rstrip("/") + "/" + quote(v, safe=""))
        ),
    ),
    query=st.lists(st.tuples(st.sampled_from(PARAMETERS), VALUES), max_size=4),
    method=st.sampled_from(["GET", "GET", "GET", "HEAD", "POST", "DELETE"]),
)
def test_no_request_is_a_server_error(
    client: TestClient, route: str, query: list[tuple[str, str]], method: str
) -> None:
    response = client.request(method, route, params=query)
    assert response.status_code < 500, (method, route, query, response.text[:200])
    if route.startswith("/api/") and 400 <= response.status_code < 500 and method != "HEAD":
        assert response.json()["error"], (route, query)
