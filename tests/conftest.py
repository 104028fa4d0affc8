from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from browser import browser, tab  # noqa: F401 - fixtures for every test module
from server import LocalServer

# Test data lives in the project (tests/data/README.md lists each set, its source and licence).
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running
