"""An archive with reader accounts, for the reader-app API tests: the reader tests' archive,
its sources in folders, and users added through the real command."""

from __future__ import annotations

import contextlib
import hashlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from newsmirror.cli.main import main
from newsmirror.web.reading import Reading
from reader_archive import make_reader_archive

PASSWORDS = {"alice": "alice-secret-1", "bob": "bob-secret-22"}
# Where the accounts are: accounts.sqlite, or the shared database of an archive in one.
BACKENDS = ["sqlite", "postgresql"]
GREADER = "/api/greader"
API = GREADER + "/reader/api/0"


@contextlib.contextmanager
def typed(text: str) -> Iterator[None]:
    """``text`` on standard input while the block runs (for --password-stdin)."""
    saved, sys.stdin = sys.stdin, io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = saved


def users(root: Path, *args: str, stdin: str = "") -> int:
    with typed(stdin):
        return main(["-C", str(root), "users", *args])


def store_url(request: pytest.FixtureRequest, backend: str) -> str | None:
    """None for "sqlite"; for "postgresql" a new database of the test cluster, dropped when
    the requesting fixture ends."""
    if backend == "sqlite":
        return None
    postgres = request.getfixturevalue("postgres")
    name = postgres.create_database()
    request.addfinalizer(lambda: postgres.drop_database(name))
    return str(postgres.url(name))


def make_api_archive(root: Path, extra: int = 45, url: str | None = None) -> Path:
    """The reader tests' archive with two users; ``url``: in that shared database."""
    make_reader_archive(root, extra=extra)
    config = root / "newsmirror.toml"
    text = config.read_text(encoding="utf-8")
    # voa goes in a folder; bbc stays outside any.
    text = text.replace('abbr = "voa"\n', 'abbr = "voa"\ngroup = "美国"\n')
    if url:
        text = text.replace('# url = ""', f'url = "{url}"')
    config.write_text(text, encoding="utf-8")
    if url:  # the record moves into the database, as an operator moves it
        assert main(["-C", str(root), "db", "upgrade"]) == 0
        assert main(["-C", str(root), "migrate", "--to", url]) == 0
    for name, password in PASSWORDS.items():
        assert users(root, "add", name, "--password-stdin", stdin=password + "\n") == 0
    return root


def login(client: TestClient, name: str, password: str | None = None) -> dict[str, str]:
    """The Authorization header of a Google Reader login."""
    answer = client.post(
        GREADER + "/accounts/ClientLogin",
        data={"Email": name, "Passwd": password or PASSWORDS[name]},
    )
    assert answer.status_code == 200, answer.text
    token = dict(line.split("=", 1) for line in answer.text.split())["Auth"]
    return {"Authorization": f"GoogleLogin auth={token}"}


def fever_key(name: str) -> str:
    return hashlib.md5(f"{name}:{PASSWORDS[name]}".encode()).hexdigest()


def reading_of(client: TestClient) -> Reading:
    """The app's reader-app state (its throttle), under the security headers' wrapper."""
    found: Reading = client.app.app.state.reading  # type: ignore[attr-defined]
    return found
