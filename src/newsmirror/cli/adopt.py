"""The commands that take over an old mirror archive: ``adopt``, and ``recheck`` to verify its
old articles on request. Kept apart from cli.py, which holds the archive's daily commands."""

from __future__ import annotations

import argparse
import shlex
from datetime import UTC, datetime
from pathlib import Path

from newsmirror.cli.report import console, errors
from newsmirror.cli.site import Command
from newsmirror.errors import ConfigError
from newsmirror.ingest.apply import Tally
from newsmirror.services.adopt import adopt_archive, recheck_source
from newsmirror.text.printable import printable


def cmd_adopt(args: argparse.Namespace) -> int:
    result = adopt_archive(Path(args.directory or "."), Path(args.path))
    for source in result.added:
        abbr = shlex.quote(printable(source.abbr))
        errors.print(
            f"{printable(source.abbr)}: added as a disabled source named "
            f"{printable(source.name)!r}; give it a feed with `newsmirror sources remove "
            f"{abbr}` then `newsmirror sources add URL --abbr {abbr}`",
        )
    for path, why in result.skipped:
        errors.print(f"{printable(path)}: {why}; skipped")
    console.print(
        f"adopted {result.adopted} articles ({result.already} already in the record, "
        f"{result.copies} kept as copies of an article with the same URL); "
        f"{len(result.skipped)} files skipped",
    )
    return 0


def cmd_recheck(args: argparse.Namespace) -> int:
    try:
        since = datetime.strptime(args.since, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise ConfigError(f"--since {args.since!r}: give a date as YYYY-MM-DD") from None
    if not 0 <= args.delay <= 3600:
        raise ConfigError(f"--delay {args.delay}: give seconds from 0 to 3600")

    def progress(done: int, total: int, tally: Tally) -> None:
        if not args.quiet and (done == total or done % 10 == 0):
            console.print(f"{args.source}: checked {done} of {total}; {tally.revised} changed")

    result = recheck_source(
        Path(args.directory or "."),
        args.source,
        since,
        args.delay,
        wait=args.wait,
        progress=progress,
    )
    console.print(f"{result.message}: {result.tally.revised} changed")
    return 0


def add_commands(command: Command) -> None:
    adopt_cmd = command("adopt", cmd_adopt, "import an archive written by the old mirror scripts")
    adopt_cmd.add_argument("path", metavar="PATH", help="the old archive (or this one, in place)")
    recheck = command(
        "recheck", cmd_recheck, "fetch the pages of a source's articles again, on request"
    )
    recheck.add_argument("--source", required=True, metavar="ABBR", help="the source")
    recheck.add_argument(
        "--since", required=True, metavar="DATE", help="articles published on or after YYYY-MM-DD"
    )
    recheck.add_argument(
        "--delay",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="wait between two pages (default 1)",
    )
    recheck.add_argument("--wait", action="store_true", help="wait for a running pass")
