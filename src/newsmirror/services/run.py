"""A pass as a use-case: the due sources fetched, recorded, projected, committed and pushed
(``newsmirror run``); and the same pass over captured feeds and pages (``import-warc``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from newsmirror.archive.archive import Archive
from newsmirror.ingest.run import Outcome, replay_pass, run_pass
from newsmirror.project.projector import project_pending
from newsmirror.project.record_files import project_record
from newsmirror.publish.commit import Snapshot
from newsmirror.publish.git import PushResult, push
from newsmirror.record.warc import Captured, WarcReplay, read_captures
from newsmirror.services.lines import commit_message
from newsmirror.store.postgres.publication import publication

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunResult:
    """What a pass did: each source's outcome, the commit, the pushes."""

    outcomes: list[Outcome]
    message: str  # the commit message, whether or not a commit was made
    committed: bool = False
    pushes: list[PushResult] = field(default_factory=list)
    no_remotes: bool = False  # a push was asked for, and no remote is configured

    @property
    def attempted(self) -> list[Outcome]:
        """The sources that were due (or forced): fetched, or failed before."""
        return [o for o in self.outcomes if not o.skipped]

    @property
    def every_one_failed(self) -> bool:
        return bool(self.attempted) and all(o.error for o in self.attempted)

    @property
    def recorded(self) -> bool:
        """Whether anything new was recorded."""
        return any(o.tally and o.tally.revisions for o in self.outcomes)


def run_sources(
    root: Path,
    abbrs: Sequence[str] = (),
    *,
    force: bool = False,
    wait: bool = False,
    push_after: bool = False,
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
    on_start: Callable[[int], None] = lambda total: None,
    on_wait: Callable[[str], None] = lambda what: None,
) -> RunResult:
    """One pass over ``abbrs`` (default: the enabled sources), due ones only unless ``force``.

    ``wait``: wait for a pass already holding the archive instead of failing (``on_wait`` is
    told once whom it waits for, in a shared database). ``on_start`` is told how many sources
    the pass looks at, ``on_outcome`` each source's outcome as it ends.
    """
    archive = Archive(root, wait=wait)
    # In a shared database a run projects what workers recorded too: it is a publisher.
    url = archive.settings.store.url
    with publication(url, "newsmirror run", wait=wait, on_wait=on_wait), archive:
        settings = archive.settings
        sources = (
            [settings.source(abbr) for abbr in abbrs]
            if abbrs
            else [s for s in settings.sources if s.enabled]
        )
        log.info("%d sources in %s", len(sources), archive.root)
        with ExitStack() as stack:
            snapshot = (
                stack.enter_context(Snapshot(archive.root)) if settings.publish.commit else None
            )
            on_start(len(sources))
            outcomes = run_pass(
                archive,
                sources,
                force=force,
                on_outcome=on_outcome,
                written=snapshot.add if snapshot else None,
            )
            pending = project_pending(archive)
            recorded = [r.article for o in outcomes if o.tally for r in o.tally.revisions]
            project_record(
                archive,
                recorded + [article for article, _ in pending.shown],
                snapshot.add if snapshot else None,
            )
            message = commit_message(outcomes)
            committed = bool(snapshot and snapshot.commit(message))
        pushes: list[PushResult] = []
        if push_after:
            publish = settings.publish
            pushes = push(archive.root, publish.remotes, publish.branch)
        return RunResult(
            outcomes,
            message,
            committed,
            pushes,
            no_remotes=push_after and not settings.publish.remotes,
        )


@dataclass(frozen=True)
class WarcImport:
    """What ``import-warc`` did: a problem line per file read only in part, each source's
    outcome (none when no configured feed is in the files)."""

    problems: list[str]
    outcomes: list[Outcome]
    committed: bool = False


def replay_warc(root: Path, files: Sequence[Path], *, wait: bool = False) -> WarcImport:
    """Record the feeds and pages of WARC ``files`` as if they had just been fetched."""
    captures: dict[str, Captured] = {}
    problems = []
    archive = Archive(root, wait=wait)
    url = archive.settings.store.url
    with publication(url, "newsmirror import-warc", wait=wait), archive:
        for name in files:
            found, problem = read_captures(name, archive.settings.fetch.max_bytes)
            log.info("%s: %d captures", name, len(found))
            captures.update(found)
            if problem:
                problems.append(problem)
        with Snapshot(archive.root) as snapshot:
            replay = WarcReplay(captures)
            outcomes = replay_pass(archive, replay, captures.__contains__, snapshot.add)
            project_pending(archive)
            committed = bool(
                outcomes
                and archive.settings.publish.commit
                and snapshot.commit(commit_message(outcomes))
            )
    return WarcImport(problems, outcomes, committed)
