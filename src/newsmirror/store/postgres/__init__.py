"""The shared PostgreSQL store (``[store] url``): connections whose faults are one-line errors
naming the database, and the schema's versioned migrations (``newsmirror db upgrade``)."""

from .connection import connect, open_pool, redacted
from .schema import SCHEMA_VERSION, schema_version, upgrade

__all__ = ["SCHEMA_VERSION", "connect", "open_pool", "redacted", "schema_version", "upgrade"]
