"""``newsmirror worker``: one worker of the shared database, a line per source it passed, until
Ctrl-C or SIGTERM (it finishes the passes in hand; a second one cuts them short)."""

from __future__ import annotations

import argparse
from pathlib import Path

from newsmirror.cli.options import whole
from newsmirror.cli.report import console, errors, print_outcome
from newsmirror.cli.site import Command
from newsmirror.ingest.run import Outcome
from newsmirror.services.worker import run_worker
from newsmirror.settings.values import parse_duration


def cmd_worker(args: argparse.Namespace) -> int:
    lease = parse_duration(args.lease, "--lease")

    def on_outcome(outcome: Outcome) -> None:
        print_outcome(outcome, args.quiet)

    result = run_worker(Path(args.directory or "."), args.concurrency, lease, on_outcome)
    worked = result.worked
    said = f"worker stopped: {worked.passes} passes, {worked.rechecks} pages re-checked"
    if worked.conflicts:
        said += f", {worked.conflicts} passes left to another worker's record"
    if result.cut_short:
        errors.print(f"{said}; the passes in hand were cut short (their sources are due again)")
        return 130
    console.print(said)
    return 0


def add_commands(command: Command) -> None:
    worker = command(
        "worker", cmd_worker, "lease and pass due sources of the shared database until stopped"
    )
    worker.add_argument(
        "--concurrency",
        type=whole(1, 1000),
        default=4,
        metavar="N",
        help="sources passed at once (default 4)",
    )
    worker.add_argument(
        "--lease",
        default="1m",
        metavar="DURATION",
        help="how long a lease lasts unrenewed: a killed worker's work waits so long (default 1m)",
    )
