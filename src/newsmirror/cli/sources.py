"""The ``sources`` commands: list, add, remove, import and export the feeds an archive follows.
Kept apart from cli.py, which holds the archive's daily commands."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from newsmirror.archive.archive import Archive
from newsmirror.cli.options import one_line
from newsmirror.cli.report import console, errors
from newsmirror.cli.site import Command
from newsmirror.errors import ConfigError
from newsmirror.feeds import Outline, write_opml
from newsmirror.services.opml_import import import_opml
from newsmirror.services.sources import add_source, remove_source
from newsmirror.settings.sources import FULL_TEXT_MODES


def cmd_sources(args: argparse.Namespace) -> int:
    root = Path(args.directory or os.getcwd())
    if args.action == "list":
        with Archive(root, write=False) as archive:
            for s in archive.settings.sources:
                flag = "" if s.enabled else "  (disabled)"
                print(f"{s.abbr}\t{s.name}\t{s.url}{flag}")  # tab-separated, for scripts
        return 0
    if args.action == "export":
        with Archive(root, write=False) as archive:
            outlines = [Outline(s.name, s.url, None, s.abbr) for s in archive.settings.sources]
        data = write_opml("newsmirror sources", outlines)
        if args.output:
            try:
                Path(args.output).write_bytes(data)
            except OSError as error:
                raise ConfigError(f"-o {args.output}: cannot write: {error.strerror}") from None
        else:
            sys.stdout.buffer.write(data)
        return 0
    if args.action == "import":
        result = import_opml(root, Path(args.file))
        for url, why in result.skipped:
            errors.print(one_line(f"{url}: skipped: {why}"))
        added, total = len(result.added), len(result.outlines)
        console.print(f"imported {added} of {total} feeds from {result.path}")
        if result.failed:
            errors.print(f"{result.path}: no feed could be imported")
            return 1
        return 0
    if args.action == "remove":
        removed = remove_source(root, args.abbr)
        console.print(f"removed {removed.abbr} ({removed.name}); its articles stay in the record")
        return 0
    # add
    source = add_source(
        root,
        args.url,
        name=args.name,
        abbr=args.abbr,
        full_text=args.full_text,
        fetch=not args.no_fetch,
    )
    console.print(f"added {source.abbr} ({source.name}): {source.url}")
    return 0


def add_commands(command: Command) -> None:
    sources = command("sources", cmd_sources, "list, add, remove, import or export sources")
    actions = sources.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="the configured sources")
    add = actions.add_parser("add", help="add a feed, or a page that links to one")
    add.add_argument("url", metavar="URL", help="the feed, or a web page that links to one")
    add.add_argument("--name", metavar="NAME", help="the list's name (default: the feed's title)")
    add.add_argument(
        "--abbr", metavar="ABBR", help="folder under articles/ (default: from the host name)"
    )
    add.add_argument("--no-fetch", action="store_true", help="add without fetching the URL")
    add.add_argument(
        "--full-text",
        choices=FULL_TEXT_MODES,
        default="auto",
        help="fetch article pages: when the feed looks truncated (auto), always, never",
    )
    remove = actions.add_parser("remove", help="stop following a source")
    remove.add_argument("abbr", metavar="ABBR", help="the source's abbreviation")
    imp = actions.add_parser("import", help="add the feeds of an OPML file")
    imp.add_argument("file", metavar="FILE", help="an OPML file")
    export = actions.add_parser("export", help="write the sources as OPML 2.0")
    export.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
