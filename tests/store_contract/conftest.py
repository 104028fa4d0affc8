"""The store contract's fixture: each test runs once per backend (backends.BACKENDS)."""

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
    root = tmp_path / "archive"
    root.mkdir()
    opened = Harness(backend, root, RecordLog(root), backend.open(root))
    yield opened
    for store in (opened.store, *opened.others):
        with contextlib.suppress(StoreError):  # closed by the test already
            store.close()
