from __future__ import annotations

from collections.abc import Iterator

import pytest

from farm import kill_every_group


@pytest.fixture(autouse=True)
def no_worker_left() -> Iterator[None]:
    """Every worker process a test started is gone after it, whatever the test did."""
    yield
    kill_every_group()
