"""``newsmirror publish``: the one publisher of an archive whose workers record into a shared
database. Kept apart from cli.py, as ``serve`` and ``build`` are."""

from __future__ import annotations

import argparse
from pathlib import Path

from newsmirror.cli.report import console, errors, print_pushes
from newsmirror.cli.site import Command
from newsmirror.services.publish import publish_archive


def waiting(what: str) -> None:
    """Told once when a publisher waits for another (standard error: the output is results)."""
    errors.print(f"newsmirror: {what}")


def cmd_publish(args: argparse.Namespace) -> int:
    result = publish_archive(
        Path(args.directory or "."),
        push_after=args.push,
        wait=not args.no_wait,
        on_wait=waiting,
    )
    if result.committed:
        console.print(f"committed: {result.message.splitlines()[0]}")
    elif not result.projected.articles:
        console.print("nothing new")
    else:
        console.print(f"projected {result.projected.articles} articles; nothing to commit")
    print_pushes(result.pushes)
    if result.no_remotes:
        errors.print('--push: no remotes; set [publish] remotes = ["origin"]')
    return 0


def add_commands(command: Command) -> None:
    publish = command(
        "publish",
        cmd_publish,
        "write what workers recorded into the mirror, commit (shared database only)",
    )
    publish.add_argument("--push", action="store_true", help="push to [publish] remotes afterwards")
    publish.add_argument(
        "--no-wait",
        action="store_true",
        help="fail at once when another publisher is at work, instead of waiting for it",
    )
