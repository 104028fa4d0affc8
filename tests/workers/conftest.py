from __future__ import annotations

from collections.abc import Iterator

import pytest

from farm import kill_every_group
from newsmirror.store.postgres import upgrade
from newsmirror.store.postgres.connection import open_connection
from newsmirror.store.postgres.database import Database
from newsmirror.workers.registry import open_workers


@pytest.fixture(autouse=True)
def no_worker_left() -> Iterator[None]:
    """Every worker process a test started is gone after it, whatever the test did."""
    yield
    kill_every_group()


@pytest.fixture
def db(pg_url: str) -> Iterator[Database]:
    """The workers' tables in a fresh database."""
    with open_connection(pg_url) as connection:
        upgrade(connection, pg_url)
    database = open_workers(pg_url)
    yield database
    database.close()
