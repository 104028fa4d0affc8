"""A pass told in plain lines: one per source's outcome, one per source's failed pages, and the
commit message that gathers them. The terminal shows the same lines (report.py)."""

from __future__ import annotations

from collections.abc import Sequence

from newsmirror.ingest.run import Outcome
from newsmirror.store.model import MAX_PAGE_ATTEMPTS

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
