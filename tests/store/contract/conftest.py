"""The store contract's fixture: each test runs once per backend (backends.BACKENDS), a
backend kept in a database on a new, empty one."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsmirror.errors import StoreError
from newsmirror.record.log import RecordLog

from .backends import BACKENDS, Backend, Harness


@pytest.fixture(params=BACKENDS, ids=lambda backend: backend.name)
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    backend: Backend = request.param
    if backend.in_database is not None:
        backend = backend.in_database(request.getfixturevalue("pg_url"))
    root = tmp_path / "archive"
    root.mkdir()
    opened = Harness(backend, root, RecordLog(root), backend.open(root))
    yield opened
    for store in (opened.store, *opened.others):
        with contextlib.suppress(StoreError):  # closed by the test already
            store.close()
