from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

from browser import browser, tab  # noqa: F401 - fixtures for every test module
from postgres import LocalPostgres
from server import LocalServer

# Property tests draw the same examples on every run, so a suite that passed passes again on a
# fresh clone; HYPOTHESIS_PROFILE=explore draws new ones (run it to look for the next defect).
# No deadline: a per-example time limit is a timed assertion, and fails on a loaded machine.
settings.register_profile("repeatable", derandomize=True, print_blob=True, deadline=None)
settings.register_profile("explore", print_blob=True, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# Test data lives in the project (tests/data/README.md lists each set, its source and licence).
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres]:
    """One throwaway PostgreSQL cluster for the whole run (started on first use)."""
    with LocalPostgres() as cluster:
        yield cluster


@pytest.fixture
def pg_database(postgres: LocalPostgres) -> Iterator[str]:
    """The name of a new, empty database, dropped after the test."""
    name = postgres.create_database()
    yield name
    postgres.drop_database(name)


@pytest.fixture
def pg_url(postgres: LocalPostgres, pg_database: str) -> str:
    """The URL of a new, empty database (over the cluster's unix socket)."""
    return postgres.url(pg_database)
