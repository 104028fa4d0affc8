"""What the commands print: run progress, outcome lines, the status table, commit messages."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import NamedTuple

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .config import Source
from .decide import MAX_PAGE_ATTEMPTS
from .record.model import Revision
from .run import Outcome
from .search import SearchPage
from .store.model import SourceState

# Off a terminal (cron, CI logs, pipes) lines are not wrapped at 80 columns: they are read later.
# Every line printed carries titles, names, paths or errors from outside: none is read as Rich
# markup (``[link=…]``, or ``[/x]``, which would raise) or as an emoji code, in a line or a table.
_WIDTH = None if sys.stdout.isatty() else 240
console = Console(highlight=False, markup=False, emoji=False, soft_wrap=True, width=_WIDTH)
errors = Console(
    stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True, width=_WIDTH
)


RETRIES = (
    f"their feed summaries are kept and each page is tried again at the next runs whose feed "
    f"still lists it (up to {MAX_PAGE_ATTEMPTS} tries)"
)


def page_line(outcome: Outcome) -> str | None:
    """What failed among the source's article pages, for standard error; None if nothing."""
    report = outcome.tally.page_report() if outcome.tally else None
    return f"{outcome.source.abbr}: {report}; {RETRIES}" if report else None


def outcome_line(outcome: Outcome) -> str:
    abbr = outcome.source.abbr
    if outcome.error:
        return f"{abbr}: failed: {outcome.error}"
    if outcome.skipped:
        return f"{abbr}: not due"
    if outcome.not_modified:
        return f"{abbr}: not modified"
    tally = outcome.tally
    assert tally is not None
    line = f"{abbr}: {tally.new} new, {tally.revised} revised ({tally.seen} items)"
    return f"{line}; {tally.images_skipped} images skipped" if tally.images_skipped else line


def print_outcome(outcome: Outcome) -> None:
    """Its line; a failed source, and failed pages, are errors: on standard error."""
    (errors if outcome.error else console).print(outcome_line(outcome))
    if line := page_line(outcome):
        errors.print(line)


class RunProgress:
    """A progress bar on a terminal; one plain line per source otherwise (cron, CI logs)."""

    def __init__(self, total: int) -> None:
        self.live = sys.stdout.isatty()
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task = self.progress.add_task("fetching", total=total)

    def __enter__(self) -> RunProgress:
        if self.live:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.progress.stop()

    def __call__(self, outcome: Outcome) -> None:
        if self.live:
            self.progress.advance(self.task)
        if not outcome.skipped:
            print_outcome(outcome)


def commit_message(outcomes: Sequence[Outcome]) -> str:
    new = sum(o.tally.new for o in outcomes if o.tally)
    revised = sum(o.tally.revised for o in outcomes if o.tally)
    failed = [o for o in outcomes if o.error]
    subject = f"newsmirror: {new} new, {revised} revised"
    if failed:
        subject += f", {len(failed)} source{'s' if len(failed) > 1 else ''} failed"
    body = [
        outcome_line(o)
        for o in outcomes
        if not o.skipped and (o.error or (o.tally and (o.tally.new or o.tally.revised)))
    ]
    pages = [line for o in outcomes if (line := page_line(o))]
    return subject + ("\n\n" + "\n".join(body + pages) if body or pages else "")


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
