"""One publisher at a time: whoever writes the mirror into a git working tree from the shared
database (``publish``, and ``run`` and ``rebuild``, which project too) holds a session advisory
lock in it for the whole publication. Workers only record, and never take it.

The lock lives on a connection of its own, outside the store's pool, and goes with it: a
publisher that dies, or whose connection is cut, releases it. A second publisher waits for it
(and says once whom it waits for), or, asked not to wait, stops with ``ArchiveBusy``.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg

from newsmirror.errors import ArchiveBusy
from newsmirror.store.postgres.connection import redacted
from newsmirror.store.postgres.database import fault
from newsmirror.store.postgres.schema import connect

# pg_advisory_lock's key for the publication: any constant no other code uses ("nmpublis").
PUBLICATION_LOCK = 0x6E6D7075626C6973
# Who holds it, from the server's own tables: an advisory lock on a bigint key shows its high
# and low halves as classid and objid.
_HOLDER = """
    SELECT a.application_name, host(a.client_addr), a.pid FROM pg_locks l
    JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.classid = %s AND l.objid = %s AND l.database = (
          SELECT oid FROM pg_database WHERE datname = current_database())
"""


def _holder(connection: psycopg.Connection[tuple[object, ...]]) -> str:
    """Whom the lock is held by, as that publisher named itself."""
    key = (PUBLICATION_LOCK >> 32, PUBLICATION_LOCK & 0xFFFFFFFF)
    row = connection.execute(_HOLDER, key).fetchone()
    if row is None:
        return "another publisher"
    name, address, backend = row
    return str(name or f"another publisher (server pid {backend}, from {address or 'local'})")


@contextmanager
def publication(
    url: str | None,
    who: str,
    *,
    wait: bool,
    on_wait: Callable[[str], None] = lambda what: None,
    busy: str = "wait for it to finish, or pass --wait",
) -> Iterator[None]:
    """Hold the publication lock of the database at ``url`` for the block (nothing without a
    ``url``: an archive of one machine has its folder's lock). ``who`` names this publisher to
    others ("newsmirror publish"); ``on_wait`` is told once what it waits for; ``busy`` is the
    advice of the ``ArchiveBusy`` raised when it does not wait."""
    if not url:
        yield
        return
    name = f"{who} on {socket.gethostname()}, pid {os.getpid()}"
    connection = connect(url, autocommit=True, application_name=name[:63])
    try:
        try:
            row = connection.execute(
                "SELECT pg_try_advisory_lock(%s)", (PUBLICATION_LOCK,)
            ).fetchone()
            if not (row and row[0]):
                holder = _holder(connection)
                if not wait:
                    raise ArchiveBusy(
                        f"{redacted(url)}: {holder} is publishing this archive; {busy}"
                    )
                on_wait(f"waiting for {holder} to finish publishing")
                connection.execute("SELECT pg_advisory_lock(%s)", (PUBLICATION_LOCK,))
        except psycopg.Error as error:
            raise fault(url, error) from None
        yield
    finally:
        connection.close()  # ends the session, and with it the lock
