"""``newsmirror users``: the accounts of the reader-app APIs (``serve``'s Google Reader and
Fever APIs), kept in the archive's private store (``accounts.sqlite``), never published."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from newsmirror.accounts import credentials
from newsmirror.accounts.model import NAME_PATTERN, NAME_RULE
from newsmirror.accounts.protocols import PrivateStore
from newsmirror.accounts.stores import open_private_store
from newsmirror.cli.report import console
from newsmirror.cli.site import Command
from newsmirror.errors import ArchiveError, ConfigError
from newsmirror.settings.config import load_settings
from newsmirror.settings.values import CONFIG_FILE

EXPORT_FORMAT = "newsmirror-accounts"
SHORTEST_PASSWORD = 8


def _store(args: argparse.Namespace) -> PrivateStore:
    """The archive's private store: accounts.sqlite, or the shared database ([store] url)."""
    root = Path(args.directory or ".")
    if not (root / CONFIG_FILE).is_file():
        raise ArchiveError(f"{root}: not a newsmirror archive; run `newsmirror init`")
    store = open_private_store(root, load_settings(root).store.url)
    assert store is not None
    return store


def _name(text: str) -> str:
    if not NAME_PATTERN.fullmatch(text):
        raise ConfigError(f"user name {text!r}: {NAME_RULE}")
    return text


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise ConfigError("the passwords differ; nothing was changed")
    if len(password) < SHORTEST_PASSWORD:
        raise ConfigError(f"password: give at least {SHORTEST_PASSWORD} characters")
    return password


def cmd_users(args: argparse.Namespace) -> int:
    if args.action == "import":
        return _import(args)
    store = _store(args)
    try:
        if args.action == "list":
            for user in store.users():
                fever = "" if user.fever_key else "  (Fever off until a new password)"
                print(f"{user.name}\tsince {user.created}{fever}")  # tab-separated, for scripts
        elif args.action == "add":
            name = _name(args.name)
            password = _password(args)
            store.add_user(
                name,
                credentials.hash_password(password),
                credentials.new_token_key(),
                credentials.fever_lookup(credentials.fever_key(name, password)),
            )
            console.print(f"added {name}")
        elif args.action == "export":
            _export(store, Path(args.file))
        else:
            _change(store, args)
    finally:
        store.close()
    return 0


def _change(store: PrivateStore, args: argparse.Namespace) -> None:
    name = args.name
    if store.user(name) is None:
        raise ConfigError(f"no user {name!r}; see `newsmirror users list`")
    if args.action == "remove":
        store.remove_user(name)
        console.print(f"removed {name}, with its read and starred marks")
    elif args.action == "password":
        password = _password(args)
        store.set_credentials(
            name,
            credentials.hash_password(password),
            credentials.new_token_key(),
            credentials.fever_lookup(credentials.fever_key(name, password)),
        )
        console.print(f"changed {name}'s password; its apps must log in again")
    else:  # revoke
        store.set_credentials(name, None, credentials.new_token_key(), None)
        console.print(
            f"revoked {name}'s tokens; its apps must log in again (Fever: after a new password)"
        )


def _export(store: PrivateStore, file: Path) -> None:
    tables = store.export()
    data = {"format": EXPORT_FORMAT, "version": 1, "tables": tables}
    # Password hashes and token keys: readable by the owner only.
    descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False)
    console.print(f"wrote {file}: {len(tables['users'])} users and their marks")


def _import(args: argparse.Namespace) -> int:
    file = Path(args.file)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        tables = data["tables"] if data.get("format") == EXPORT_FORMAT else None
    except (OSError, ValueError, AttributeError, KeyError) as error:
        raise ConfigError(f"{file}: cannot be read as an accounts export ({error})") from None
    if not isinstance(tables, dict):
        raise ConfigError(f"{file}: not a `newsmirror users export` file")
    store = _store(args)
    try:
        store.load(tables)
    finally:
        store.close()
    console.print(f"imported {file}: {len(tables.get('users', []))} users and their marks")
    return 0


def add_commands(command: Command) -> None:
    users = command("users", cmd_users, "accounts of the reader-app APIs (Google Reader, Fever)")
    actions = users.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="the accounts")
    for action, text in (("add", "add an account"), ("password", "change a password")):
        parser = actions.add_parser(action, help=text)
        parser.add_argument("name", metavar="NAME", help="the account's name")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )
    for action, text in (
        ("remove", "remove an account and its marks"),
        ("revoke", "revoke an account's API tokens"),
    ):
        actions.add_parser(action, help=text).add_argument(
            "name", metavar="NAME", help="the account's name"
        )
    export = actions.add_parser("export", help="write accounts and marks to a file (a backup)")
    export.add_argument("file", metavar="FILE", help="the file to write")
    imp = actions.add_parser("import", help="restore accounts and marks from an export")
    imp.add_argument("file", metavar="FILE", help="a file written by `users export`")
