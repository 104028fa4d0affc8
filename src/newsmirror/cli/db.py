"""The shared database's commands: ``db upgrade`` applies the schema's migrations. Kept apart
from cli.py; the commands that use the database check its schema when they connect."""

from __future__ import annotations

import argparse
from pathlib import Path

from newsmirror.cli.report import console
from newsmirror.cli.site import Command
from newsmirror.errors import ConfigError
from newsmirror.settings.config import load_settings


def store_url(directory: str | None) -> str:
    """The archive's ``[store] url``; a one-line error when it has none."""
    root = Path(directory or ".")
    url = load_settings(root).store.url
    if not url:
        raise ConfigError(
            f"{root}: no database set; give [store] url (or NEWSMIRROR_STORE_URL) as "
            "postgresql://user:password@host/db"
        )
    return url


def cmd_db(args: argparse.Namespace) -> int:
    from newsmirror.store.postgres import redacted, upgrade
    from newsmirror.store.postgres.connection import open_connection

    url = store_url(args.directory)
    with open_connection(url) as connection:
        before, after = upgrade(connection, url)
    if before == after:
        console.print(f"{redacted(url)}: the schema is up to date (version {after})")
    else:
        console.print(f"{redacted(url)}: the schema is upgraded from version {before} to {after}")
    return 0


def add_commands(command: Command) -> None:
    db = command("db", cmd_db, "the shared PostgreSQL database ([store] url)")
    actions = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("upgrade", help="apply the schema migrations the database lacks")
