"""Taking over an old mirror archive as a use-case: adopting it (its folders registered as
sources), committed; and re-checking a source's old articles on request."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newsmirror.adopt.adopt import Adoption, adopt
from newsmirror.adopt.scan import check_folder
from newsmirror.archive.archive import Archive
from newsmirror.fetch import Fetcher
from newsmirror.ingest.apply import Tally
from newsmirror.ingest.recheck import verify
from newsmirror.prepare.candidates import Preparer
from newsmirror.project.projector import project_pending
from newsmirror.publish.commit import commit_all
from newsmirror.record.model import epoch_ms
from newsmirror.store.postgres.publication import publication

log = logging.getLogger(__name__)


def adopt_archive(root: Path, old: Path) -> Adoption:
    """Adopt the old archive at ``old`` into the archive at ``root`` (``old`` may be ``root``):
    its articles recorded, its folders added as sources where none was configured, committed.
    A wrong ``old`` is refused before the archive is opened: it leaves nothing behind."""
    check_folder(old)
    archive = Archive(root)
    # Adopting projects and commits: in a shared database it is a publisher, one at a time.
    with (
        publication(
            archive.settings.store.url,
            "newsmirror adopt",
            wait=False,
            busy="wait for it to finish and adopt again",
        ),
        archive,
    ):
        result = adopt(archive, old)
        log.info("%s: %d articles adopted", old, result.adopted)
        if archive.settings.publish.commit:
            commit_all(archive.root, f"newsmirror: adopted {result.adopted} articles")
    return result


@dataclass(frozen=True)
class Recheck:
    """What re-checking a source did."""

    source: str
    tally: Tally
    committed: bool

    @property
    def message(self) -> str:
        return f"newsmirror: re-checked {self.tally.seen} articles of {self.source}"


def recheck_source(
    root: Path,
    source: str,
    since: datetime,
    delay: float,
    *,
    wait: bool = False,
    progress: Callable[[int, int, Tally], None] = lambda done, total, tally: None,
) -> Recheck:
    """Fetch again, ``delay`` seconds apart, the page of every article of ``source`` published
    since ``since``; record, project and commit what changed. ``progress`` is told (pages
    checked, pages to check, the tally so far) after each page."""
    archive = Archive(root, wait=wait)
    url = archive.settings.store.url  # it projects and commits: a publisher
    with publication(url, "newsmirror recheck", wait=wait), archive:
        archive.settings.source(source)  # an unknown source is a one-line error

        async def checks() -> Tally:
            with Preparer(archive.policy) as preparer:
                async with Fetcher(archive.settings.fetch) as fetcher:
                    return await verify(
                        archive,
                        fetcher,
                        preparer,
                        source,
                        epoch_ms(since),
                        delay,
                        progress,
                        lambda: datetime.now(UTC),
                    )

        tally = asyncio.run(checks())
        project_pending(archive)
        result = Recheck(source, tally, committed=False)
        if tally.revised and archive.settings.publish.commit:
            message = f"{result.message}: {tally.revised} changed"
            result = Recheck(source, tally, commit_all(archive.root, message))
    return result
