"""The shared PostgreSQL store (``[store] url``): connections whose faults are one-line errors
naming the database, and the schema's versioned migrations (``newsmirror db upgrade``)."""

from newsmirror.store.postgres.connection import redacted
from newsmirror.store.postgres.schema import (
    SCHEMA_VERSION,
    connect,
    open_pool,
    schema_version,
    upgrade,
)

__all__ = ["SCHEMA_VERSION", "connect", "open_pool", "redacted", "schema_version", "upgrade"]
