"""Leases: how workers share the due sources and re-checks without two ever holding one.

A source is leased by locking its ``source_leases`` row with ``FOR UPDATE SKIP LOCKED`` (rows
another worker is leasing this instant are passed over, not waited for) when it is due (the
store's ``next_due``) and free (no worker, or its lease expired), and writing the worker and
the expiry in the same statement. A re-check is leased by inserting its article's row, or by
taking over one whose lease expired, in one statement too. Each statement is its own
transaction: a lease is either held, in the database, or not at all."""

from __future__ import annotations

from collections.abc import Sequence

from newsmirror.store.model import Due
from newsmirror.store.postgres.database import Database

_LEASE_SOURCES = """
    UPDATE source_leases SET worker = %(worker)s,
                             expires = now() + make_interval(secs => %(seconds)s)
    WHERE abbr IN (
        SELECT lease.abbr FROM source_leases lease LEFT JOIN sources state USING (abbr)
        WHERE lease.abbr = ANY(%(abbrs)s)
          AND (lease.worker IS NULL OR lease.expires IS NULL OR lease.expires <= now())
          AND (state.next_due IS NULL OR state.next_due <= %(now)s)
        ORDER BY state.next_due NULLS FIRST, lease.abbr
        LIMIT %(limit)s
        FOR UPDATE OF lease SKIP LOCKED)
    RETURNING abbr"""

_LEASE_CHECK = """
    INSERT INTO recheck_leases (article, worker, expires)
    VALUES (%(article)s, %(worker)s, now() + make_interval(secs => %(seconds)s))
    ON CONFLICT (article) DO UPDATE SET worker = excluded.worker, expires = excluded.expires
    WHERE recheck_leases.expires <= now()
    RETURNING article"""


def offer_sources(db: Database, abbrs: Sequence[str]) -> None:
    """Make the sources ``abbrs`` leasable (a row each; rows already there stay as they are)."""
    with db.connection() as connection:
        connection.execute(
            "INSERT INTO source_leases (abbr) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
            (list(abbrs),),
        )


def lease_sources(
    db: Database, worker: int, abbrs: Sequence[str], now: float, limit: int, seconds: float
) -> list[str]:
    """Up to ``limit`` of ``abbrs`` that are due at ``now`` and free, now held by ``worker``
    for ``seconds``; the longest overdue first."""
    if limit <= 0 or not abbrs:
        return []
    rows = db.rows(
        _LEASE_SOURCES,
        {
            "worker": worker,
            "seconds": seconds,
            "abbrs": list(abbrs),
            "now": now,
            "limit": limit,
        },
    )
    return sorted(row[0] for row in rows)


def release_source(db: Database, worker: int, abbr: str) -> None:
    """The lease on ``abbr`` ended (if ``worker`` still holds it)."""
    with db.connection() as connection:
        connection.execute(
            "UPDATE source_leases SET worker = NULL, expires = NULL "
            "WHERE abbr = %s AND worker = %s",
            (abbr, worker),
        )


def due_sources(db: Database, abbrs: Sequence[str], now: float) -> int:
    """How many of ``abbrs`` are due at ``now`` and held by no worker."""
    row = db.one(
        """SELECT count(*) FROM unnest(%(abbrs)s::text[]) wanted(abbr)
           LEFT JOIN source_leases lease USING (abbr) LEFT JOIN sources state USING (abbr)
           WHERE (lease.worker IS NULL OR lease.expires IS NULL OR lease.expires <= now())
             AND (state.next_due IS NULL OR state.next_due <= %(now)s)""",
        {"abbrs": list(abbrs), "now": now},
    )
    return int(row[0]) if row else 0


def held_checks(db: Database) -> int:
    """How many re-checks are held by a worker this instant."""
    row = db.one("SELECT count(*) FROM recheck_leases WHERE expires > now()")
    return int(row[0]) if row else 0


def lease_checks(
    db: Database, worker: int, due: Sequence[Due], limit: int, seconds: float
) -> list[Due]:
    """Up to ``limit`` of the ``due`` re-checks that no other worker holds, now held by
    ``worker`` for ``seconds``."""
    with db.connection() as connection:  # leases of workers gone, not taken over since
        connection.execute("DELETE FROM recheck_leases WHERE expires <= now()")
    taken = []
    for check in due:  # each its own transaction: no two workers wait on each other's
        row = db.one(_LEASE_CHECK, {"article": check.article, "worker": worker, "seconds": seconds})
        if row is not None:
            taken.append(check)
            if len(taken) >= limit:
                break
    return taken


def release_checks(db: Database, worker: int, articles: Sequence[str]) -> None:
    if not articles:
        return
    with db.connection() as connection:
        connection.execute(
            "DELETE FROM recheck_leases WHERE worker = %s AND article = ANY(%s)",
            (worker, list(articles)),
        )
