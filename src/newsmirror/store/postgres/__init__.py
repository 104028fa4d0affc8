"""The shared PostgreSQL store (``[store] url``): connections whose faults are one-line errors
naming the database, the schema's versioned migrations (``newsmirror db upgrade``), and the
store's protocols (store.protocols) in the database, a module per concern as store.sqlite."""

from newsmirror.store.postgres.connection import redacted
from newsmirror.store.postgres.schema import (
    SCHEMA_VERSION,
    connect,
    open_pool,
    schema_version,
    upgrade,
)
from newsmirror.store.postgres.store import PostgresStore

__all__ = [
    "SCHEMA_VERSION",
    "PostgresStore",
    "connect",
    "open_pool",
    "redacted",
    "schema_version",
    "upgrade",
]
