"""A worker's row in the shared database: registered when it starts, its heartbeat renewing
every lease it holds, deleted (its leases freed with it) when it stops; and what ``status``
shows of the workers and of the work waiting."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime

from newsmirror.store.postgres.database import Database, open_database

TABLES = ("workers", "source_leases", "recheck_leases", "host_slots")
# A worker silent this long is gone for good: its row is deleted when another one registers
# (until then `status` shows it, with its last heartbeat).
FORGOTTEN_AFTER = "1 day"


def open_workers(url: str) -> Database:
    """The database at ``url``, its schema checked and the workers' tables there."""
    return open_database(url, TABLES)


def register(db: Database, lease_seconds: float) -> int:
    """A new worker's id (this machine's name and this process's pid), whose leases last
    ``lease_seconds`` unrenewed."""
    with db.connection() as connection:
        connection.execute(
            "DELETE FROM workers WHERE heartbeat < now() - %s::interval", (FORGOTTEN_AFTER,)
        )
        row = connection.execute(
            "INSERT INTO workers (host, pid, lease) VALUES (%s, %s, %s) RETURNING id",
            (socket.gethostname(), os.getpid(), lease_seconds),
        ).fetchone()
    assert row is not None
    return int(row[0])


def heartbeat(db: Database, worker: int, lease_seconds: float) -> None:
    """Say the worker is alive, and hold everything it holds ``lease_seconds`` longer."""
    with db.connection() as connection:
        connection.execute("UPDATE workers SET heartbeat = now() WHERE id = %s", (worker,))
        for table in ("source_leases", "recheck_leases"):
            connection.execute(
                f"UPDATE {table} SET expires = now() + make_interval(secs => %s) WHERE worker = %s",
                (lease_seconds, worker),
            )


def deregister(db: Database, worker: int) -> None:
    """The worker's row gone, and with it every lease and host slot it held."""
    with db.connection() as connection:
        connection.execute("DELETE FROM workers WHERE id = %s", (worker,))


@dataclass(frozen=True)
class WorkerRow:
    """A worker as ``status`` shows it."""

    host: str
    pid: int
    started: datetime
    heartbeat: datetime
    sources: int  # source leases held (and not expired)
    rechecks: int  # re-check leases held


def workers(db: Database) -> list[WorkerRow]:
    rows = db.rows(
        """SELECT w.host, w.pid, w.started, w.heartbeat,
                  (SELECT count(*) FROM source_leases s WHERE s.worker = w.id
                   AND s.expires > now()),
                  (SELECT count(*) FROM recheck_leases r WHERE r.worker = w.id
                   AND r.expires > now())
           FROM workers w ORDER BY w.host, w.pid, w.id"""
    )
    return [WorkerRow(*row) for row in rows]
