"""How a cache follows the record: the one catch-up mechanism of every cache (the state and
article index, the search index), whatever its backend.

A follower keeps how far it has read each record file (``positions``: numbers only the record
interprets, record.protocol). Opening the archive
calls ``catch_up``, which hands it what the record has past those positions, so a crash between
appending to the record and indexing it is repaired before anything reads the cache; a file
that shrank or went away (replaced from git, say) makes it start again from nothing. While a
run appends, ``follow`` hands it each batch as it is recorded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol, TypeVar

from newsmirror.record.log import Entry
from newsmirror.record.protocol import Record


class Positioned(Protocol):
    """Something read from the record: which file, and the byte after its line."""

    @property
    def file(self) -> str: ...

    @property
    def end(self) -> int: ...


Item = TypeVar("Item", bound=Positioned)


class Follower(Protocol[Item]):
    """A cache of the record. Every method may raise StoreError (errors.py)."""

    def positions(self) -> Mapping[str, int]:
        """Record file (relative to the archive root) -> bytes of it taken in."""
        ...

    def reset(self) -> None:
        """Forget everything taken in, positions included: the record will be read again."""
        ...

    def batches(self, log: Record, unread: Sequence[tuple[str, int]]) -> Iterator[Sequence[Item]]:
        """What to take in of ``unread`` ((file, from byte), in record order), in batches."""
        ...

    def prepare(self, entries: Sequence[Entry]) -> Sequence[Item]:
        """``entries`` just appended, as this follower takes them in."""
        ...

    def apply(self, batch: Sequence[Item]) -> None:
        """Take in ``batch`` and move the positions past it, in one transaction: after a
        failure nothing of it is taken in. Taking in a revision twice changes nothing."""
        ...

    def close(self) -> None:
        """Release the cache; any later call raises StoreError."""
        ...


def catch_up(log: Record, follower: Follower[Item]) -> int:
    """Hand ``follower`` what the record has past its positions; returns revisions taken in."""
    unread = log.unread(follower.positions())
    if unread.restart:
        follower.reset()
    count = 0
    for batch in follower.batches(log, unread.files):
        follower.apply(batch)
        count += len(batch)
    return count


def follow(follower: Follower[Item], entries: Sequence[Entry]) -> None:
    """Hand ``follower`` the entries a run has just appended."""
    follower.apply(follower.prepare(entries))


def entries(log: Record, unread: Sequence[tuple[str, int]]) -> Iterator[list[Entry]]:
    """The unread record, one batch per file: a follower's ``batches`` when it takes entries."""
    for file, start in unread:
        yield list(log.read(file, start))


def ends(batch: Sequence[Positioned]) -> dict[str, int]:
    """How far ``batch`` reaches in each record file: the positions to move to."""
    found: dict[str, int] = {}
    for item in batch:
        found[item.file] = max(found.get(item.file, 0), item.end)
    return found


class FollowsEntries:
    """A follower that takes the record's entries as they are: the unread record one batch
    per file, and appended entries unchanged."""

    def batches(self, log: Record, unread: Sequence[tuple[str, int]]) -> Iterator[list[Entry]]:
        return entries(log, unread)

    def prepare(self, entries: Sequence[Entry]) -> Sequence[Entry]:
        return entries
