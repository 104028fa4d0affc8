"""The publisher as a use-case (``newsmirror publish``): in an archive whose record and caches
live in the shared database, bring the git working tree in line with what workers recorded
since the last publication (the projection ledger), and commit and push it as ``run`` does.

It holds the database's publication lock throughout (store.postgres.publication), so a second
publisher, or a ``run`` of the same archive, waits. Articles are noted in the ledger only once
their files are committed: a publication that fails before (git refused, the machine stopped)
leaves them pending, and the next one writes and commits them with its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from newsmirror.archive.archive import Archive
from newsmirror.errors import ConfigError
from newsmirror.project.projector import Projected, project_pending
from newsmirror.project.record_files import project_record
from newsmirror.publish.commit import Snapshot
from newsmirror.publish.git import PushResult, push
from newsmirror.store.postgres.publication import publication

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Publication:
    """What a publication did: the articles projected, the commit, the pushes."""

    projected: Projected
    message: str  # the commit message, whether or not a commit was made
    committed: bool = False
    pushes: list[PushResult] = field(default_factory=list)
    no_remotes: bool = False  # a push was asked for, and no remote is configured


def publication_message(projected: Projected, order: list[str]) -> str:
    """The commit message: as ``run`` writes it, counted from the articles projected (the
    workers' passes are not known here), one line per source in ``order`` (the config's)."""
    new, revised = projected.new, projected.revised
    subject = f"newsmirror: {new.total()} new, {revised.total()} revised"
    counted = set(new) | set(revised)
    sources = [s for s in order if s in counted] + sorted(counted - set(order))
    body = [f"{source}: {new[source]} new, {revised[source]} revised" for source in sources]
    return subject + ("\n\n" + "\n".join(body) if body else "")


def publish_archive(
    root: Path,
    *,
    push_after: bool = False,
    wait: bool = True,
    on_wait: Callable[[str], None] = lambda what: None,
) -> Publication:
    """Project what the ledger says is behind, then the lists and the README; commit; push.

    ``wait``: wait for another publisher (``on_wait`` is told once); else ``ArchiveBusy``.
    """
    archive = Archive(root, wait=True)
    settings = archive.settings
    if not settings.store.url:
        raise ConfigError(
            f"{archive.root}: publish is for an archive in a shared database ([store] url); "
            "this one records and publishes with `newsmirror run`"
        )
    busy = "wait for it to finish, or leave out --no-wait"
    with (
        publication(
            settings.store.url, "newsmirror publish", wait=wait, on_wait=on_wait, busy=busy
        ),
        archive,
        ExitStack() as stack,
    ):
        snapshot = stack.enter_context(Snapshot(archive.root)) if settings.publish.commit else None
        written = snapshot.add if snapshot else None
        projected = project_pending(archive, written, note=False)
        project_record(archive, (article for article, _ in projected.shown), written)
        log.info(
            "%d articles projected, %d files changed", projected.articles, projected.files_changed
        )
        message = publication_message(projected, [s.abbr for s in settings.sources])
        committed = bool(snapshot and snapshot.commit(message))
        archive.store.mark_projected(projected.shown)
        publish = settings.publish
        pushes = push(archive.root, publish.remotes, publish.branch) if push_after else []
    return Publication(
        projected,
        message,
        committed,
        pushes,
        no_remotes=push_after and not settings.publish.remotes,
    )
