"""``newsmirror migrate --to TARGET``: an archive's record (and what ``services.migrate.PARTS``
lists) copied between its files and a shared PostgreSQL database, checked line by line."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from newsmirror.cli.report import console
from newsmirror.cli.site import Command


def cmd_migrate(args: argparse.Namespace) -> int:
    from newsmirror.services.migrate import migrate

    done, parts = migrate(Path(args.directory or os.getcwd()).resolve(), args.to)
    what = f"{done.revisions} revisions in {done.files} record files"
    if done.already:
        console.print(f"{done.target} holds this record already ({what}, the same line for line)")
    else:
        console.print(f"copied {what} to {done.target}; every line checked")
    for name, count in parts:
        console.print(f"{name}: {count} copied")
    return 0


def add_commands(command: Command) -> None:
    migrate = command(
        "migrate", cmd_migrate, "copy the record between the archive's files and a database"
    )
    migrate.add_argument(
        "--to",
        required=True,
        metavar="TARGET",
        help="postgresql://… (its schema made by `db upgrade`) or a folder for record/",
    )
