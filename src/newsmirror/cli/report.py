"""What the commands print, and where: run progress, outcome lines (on standard error when
something failed), the status, history and search tables."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import NamedTuple

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from newsmirror.ingest.run import Outcome
from newsmirror.publish.git import PushResult
from newsmirror.record.model import Revision
from newsmirror.search import SearchPage
from newsmirror.services.lines import outcome_line, page_line
from newsmirror.services.worker import RECHECKS_COUNTED, Workload
from newsmirror.settings.sources import Source
from newsmirror.store.model import SourceState

# Off a terminal (cron, CI logs, pipes) lines are not wrapped at 80 columns: they are read later.
# Every line printed carries titles, names, paths or errors from outside: none is read as Rich
# markup (``[link=…]``, or ``[/x]``, which would raise) or as an emoji code, in a line or a table.
_WIDTH = None if sys.stdout.isatty() else 240
console = Console(highlight=False, markup=False, emoji=False, soft_wrap=True, width=_WIDTH)
errors = Console(
    stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True, width=_WIDTH
)


def print_outcome(outcome: Outcome, quiet: bool = False) -> None:
    """Its line; a failed source, and failed pages, are errors: on standard error. ``quiet``:
    the errors only."""
    if outcome.error:
        errors.print(outcome_line(outcome))
    elif not quiet:
        console.print(outcome_line(outcome))
    if line := page_line(outcome):
        errors.print(line)


def print_pushes(pushes: Sequence[PushResult]) -> None:
    """A line per remote; a failed push is an error, on standard error."""
    for pushed in pushes:
        (console if pushed.ok else errors).print(f"push {pushed.remote}: {pushed.message}")


class RunProgress:
    """A progress bar on a terminal; one plain line per source otherwise (cron, CI logs).
    ``quiet``: neither, only the lines that report a failure."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.live = sys.stdout.isatty() and not quiet
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task("fetching", total=None)

    def __enter__(self) -> RunProgress:
        return self

    def start(self, total: int) -> None:
        """The pass looks at ``total`` sources."""
        self.progress.update(self.task, total=total)
        if self.live:
            self.progress.start()

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.progress.stop()

    def __call__(self, outcome: Outcome) -> None:
        if self.live:
            self.progress.advance(self.task)
        if not outcome.skipped:
            print_outcome(outcome, self.quiet)


def _when(value: str | float | None, now: datetime) -> str:
    if value is None:
        return "-"
    try:  # a state written by another version, or by hand, may hold anything
        moment = (
            datetime.fromtimestamp(value, UTC)
            if isinstance(value, float | int)
            else datetime.fromisoformat(value.replace("Z", "+00:00"))
        )
    except (OverflowError, ValueError, OSError):
        return "?"
    seconds = (moment - now).total_seconds()
    span = abs(seconds)
    text = (
        f"{span:.0f}s"
        if span < 90
        else f"{span / 60:.0f}m"
        if span < 5400
        else f"{span / 3600:.1f}h"
        if span < 172800
        else f"{span / 86400:.0f}d"
    )
    return f"in {text}" if seconds > 0 else f"{text} ago"


class StatusRow(NamedTuple):
    source: Source
    state: SourceState
    articles: int
    summary_only: tuple[int, int]  # articles with the feed's summary only; of those, to retry


def status_table(rows: Sequence[StatusRow], now: datetime) -> Table:
    table = Table(title="newsmirror status")
    for column in (
        "source",
        "last success",
        "last error",
        "failures",
        "items seen",
        "articles",
        "summary only",
        "pages failed last time",
        "next due",
    ):
        table.add_column(column, overflow="fold")
    for source, state, articles, (summaries, retried) in rows:
        table.add_row(
            source.abbr + ("" if source.enabled else " (disabled)"),
            _when(state.last_success, now),
            state.last_error or "-",
            str(state.errors),
            str(state.items_seen),
            str(articles),
            f"{summaries} ({retried} to retry while the feed lists them)" if summaries else "0",
            state.page_error or "-",
            _when(state.next_due, now) if state.next_due else "now",
        )
    return table


def history_table(revisions: Sequence[Revision]) -> Table:
    table = Table(title=f"{len(revisions)} revision{'s' if len(revisions) > 1 else ''}")
    for column in ("rev", "recorded", "title", "body"):
        table.add_column(column, overflow="fold")
    for revision in revisions:
        body = "feed summary" if revision.summary_only else (revision.extractor or "feed")
        table.add_row(str(revision.rev), revision.fetched, revision.title, body)
    return table


def _marked(segments: Sequence[tuple[str, bool]]) -> Text:
    text = Text()
    for part, match in segments:
        text.append(part, style="bold reverse" if match else None)
    return text


def search_table(page: SearchPage, tz: tzinfo) -> Table:
    about = "about " if page.total_is_estimate else ""
    table = Table(title=f"{about}{page.total} article{'s' if page.total != 1 else ''}")
    for column in ("date", "source", "title", "path", "snippet"):
        table.add_column(column, overflow="fold")
    for hit in page.hits:
        day = datetime.fromtimestamp(hit.time_ms / 1000, tz).strftime("%Y-%m-%d")
        title = _marked(hit.title_marks)
        if hit.status:
            title.append(f" ({hit.status})", style="italic")
        table.add_row(day, hit.source, title, hit.path, _marked(hit.snippet))
    return table


def workload_table(load: Workload, now: datetime) -> Table:
    """The workers of a shared database (host, pid, leases, last heartbeat) and the work due."""
    rechecks = f"{load.due_rechecks}{'+' if load.due_rechecks >= RECHECKS_COUNTED else ''}"
    table = Table(
        title=f"workers: {len(load.workers)}; due: {load.due_sources} sources, {rechecks} re-checks"
    )
    for column in ("host", "pid", "started", "sources leased", "re-checks leased", "heartbeat"):
        table.add_column(column, overflow="fold")
    for row in load.workers:
        table.add_row(
            row.host,
            str(row.pid),
            _when(row.started.timestamp(), now),
            str(row.sources),
            str(row.rechecks),
            _when(row.heartbeat.timestamp(), now),
        )
    return table
