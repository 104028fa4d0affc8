"""The ``newsmirror`` command: parse arguments, call the services, print what they return.
Errors are one line."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from newsmirror import __version__
from newsmirror.archive.archive import Archive
from newsmirror.archive.history import changes, history, render_diff, word_diff
from newsmirror.cli.adopt import add_commands as add_adopt_commands
from newsmirror.cli.db import add_commands as add_db_commands
from newsmirror.cli.migrate import add_commands as add_migrate_commands
from newsmirror.cli.options import (
    Parser,
    configure_logging,
    report_failure,
    since,
    text_arguments,
    whole,
)
from newsmirror.cli.report import (
    RunProgress,
    StatusRow,
    console,
    errors,
    history_table,
    print_outcome,
    print_pushes,
    search_table,
    status_table,
)
from newsmirror.cli.site import add_commands as add_site_commands
from newsmirror.cli.sources import add_commands as add_sources_commands
from newsmirror.cli.users import add_commands as add_user_commands
from newsmirror.errors import ArchiveError, ConfigError, NewsmirrorError, UnknownArticle
from newsmirror.project.projector import rebuild
from newsmirror.record.model import RevisionKind, iso
from newsmirror.search import SearchQuery, hit_json
from newsmirror.search.model import STATUSES, day_start_ms
from newsmirror.search.searching import MAX_LIMIT
from newsmirror.services.bulk_extract import (
    Input,
    extract_all,
    inputs_from_arguments,
    inputs_from_manifest,
    write_lines,
)
from newsmirror.services.run import replay_warc, run_sources
from newsmirror.settings.config import parse_settings
from newsmirror.settings.configfile import init_archive
from newsmirror.settings.values import parse_duration

log = logging.getLogger(__name__)


def root_of(args: argparse.Namespace) -> Path:
    return Path(args.directory or os.getcwd())


def cmd_init(args: argparse.Namespace) -> int:
    root = Path(args.path) if args.path else root_of(args)
    if init_archive(root):
        console.print(f"created an archive in {root.resolve()}; next: newsmirror -C {root} run")
    else:
        console.print(f"{root.resolve()} is an archive already; left as it is")
    return 0


def run_once(args: argparse.Namespace) -> int:
    with RunProgress(args.quiet) as progress:
        result = run_sources(
            root_of(args),
            args.source or (),
            force=args.all or bool(args.source),
            wait=args.wait,
            push_after=args.push,
            on_outcome=progress,
            on_start=progress.start,
        )
    if result.committed:
        console.print(f"committed: {result.message.splitlines()[0]}")
    elif not result.every_one_failed and not result.recorded:
        console.print("nothing new")
    if result.every_one_failed:
        errors.print(f"every source failed ({len(result.attempted)}); nothing was recorded")
    print_pushes(result.pushes)
    if result.no_remotes:
        errors.print('--push: no remotes; set [publish] remotes = ["origin"]')
    return 1 if result.every_one_failed else 0


def cmd_run(args: argparse.Namespace) -> int:
    if not args.every:
        return run_once(args)
    interval = parse_duration(args.every, "--every")
    while True:
        started = time.monotonic()
        try:
            run_once(args)
        except Exception as error:  # a bad pass must not end an unattended loop
            log.info("the pass failed", exc_info=error)
            errors.print(f"newsmirror: {type(error).__name__}: {error}")
        time.sleep(max(0.0, interval - (time.monotonic() - started)))


def cmd_status(args: argparse.Namespace) -> int:
    with Archive(root_of(args), write=False) as archive:
        counts = archive.store.article_counts()
        summaries = archive.store.summary_only_counts()
        rows = [
            StatusRow(
                s,
                archive.store.source_state(s.abbr),
                counts.get(s.abbr, 0),
                summaries.get(s.abbr, (0, 0)),
            )
            for s in archive.settings.sources
        ]
    console.print(status_table(rows, datetime.now(UTC)))
    tried = [row.state for row in rows if row.source.enabled and row.state.last_attempt]
    return 1 if tried and all(state.errors for state in tried) else 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    with Archive(root_of(args), wait=args.wait) as archive:
        result = rebuild(archive)
        archive.search.rebuild(archive.log)
    console.print(f"rebuilt {result.articles} articles; {result.files_changed} files changed")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with Archive(root_of(args), write=False) as archive:
        known = {s.abbr for s in archive.settings.sources} | set(archive.store.article_counts())
        unknown = sorted(set(args.source or ()) - known)
        if unknown:
            raise ConfigError(
                f"--source {', '.join(unknown)}: no such source; "
                f"this archive has {', '.join(sorted(known)) or 'none'}"
            )
        tz = archive.tz
        query = SearchQuery(
            " ".join(args.query),
            sources=tuple(args.source or ()),
            since_ms=day_start_ms(args.since, "--since", tz) if args.since else None,
            until_ms=day_start_ms(args.until, "--until", tz, days_after=1) if args.until else None,
            status=args.status,
            limit=args.limit,
        )
        page = archive.search.search(query)
    if args.json:
        for hit in page.hits:
            print(json.dumps(hit_json(hit), ensure_ascii=False))
    else:
        console.print(search_table(page, tz))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    items: list[Input] = list(inputs_from_arguments(args.inputs))
    if args.manifest:
        try:
            with (
                open(args.manifest, encoding="utf-8")
                if args.manifest != "-"
                else contextlib.nullcontext(sys.stdin)
            ) as stream:
                items += inputs_from_manifest(stream, args.manifest)
        except OSError as error:
            raise ConfigError(f"{args.manifest}: cannot read: {error.strerror}") from None
    if not items:
        raise ConfigError("extract: give files, URLs, or --manifest FILE")
    try:  # outside an archive: the defaults, with environment overrides
        settings = Archive(root_of(args), write=False).settings.fetch
    except ArchiveError:
        settings = parse_settings({}).fetch
    write_lines(extract_all(items, settings, args.jobs))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with Archive(root_of(args), write=False) as archive:
        revisions = history(archive, args.article)
    latest = revisions[-1]
    console.print(f"{latest.title}\n{latest.url or '-'}")
    console.print(f"source {latest.source}, file {latest.path}, id {latest.article}")
    console.print(history_table(revisions))
    console.print(latest.text)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    if len(args.revs) not in (0, 2):
        raise ConfigError(f"diff: give two revisions (REV1 REV2) or none, not {len(args.revs)}")
    with Archive(root_of(args), write=False) as archive:
        revisions = {r.rev: r for r in history(archive, args.article)}
    newest = max(revisions)
    first, second = args.revs or [max(1, newest - 1), newest]
    for rev in (first, second):
        if rev not in revisions:
            raise UnknownArticle(f"{args.article}: no revision {rev}; it has 1 to {newest}")
    if len(revisions) == 1:
        print(f"{args.article}: only one revision, nothing to compare (see `show`)")
        return 0
    if first == second:
        console.print(f"revision {first} against itself: nothing to compare")
        return 0
    old, new = revisions[first], revisions[second]
    console.print(f"--- revision {first} ({old.fetched})\n+++ revision {second} ({new.fetched})")
    title = render_diff(word_diff(old.title, new.title))
    console.print(f"{title}\n\n{render_diff(word_diff(old.text, new.text))}")
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    start = since(args.since)
    with Archive(root_of(args), write=False) as archive:
        found = changes(archive, iso(start))
    for change in found:
        kind = f"{change.change or RevisionKind.EDITED} (revision {change.rev})"
        print(f"{change.fetched}\t{change.source}\t{kind}\t{change.path}\t{change.title}")
    if not found:
        console.print(f"no edits, removals or restorations recorded since {iso(start)}")
    return 0


def cmd_import_warc(args: argparse.Namespace) -> int:
    result = replay_warc(root_of(args), [Path(name) for name in args.files], wait=args.wait)
    for problem in result.problems:
        errors.print(problem)
    for outcome in result.outcomes:
        print_outcome(outcome, args.quiet)
    if not result.outcomes:
        console.print("no configured source's feed is in these files")
    return 0


def parser() -> argparse.ArgumentParser:
    top = Parser(
        prog="newsmirror", description="Follow news feeds and keep a complete, revisioned mirror."
    )
    top.add_argument("-C", dest="directory", metavar="DIR", help="the archive (default: here)")
    top.add_argument("--version", action="version", version=f"newsmirror {__version__}")
    talk = top.add_mutually_exclusive_group()
    talk.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="say what the work does, and where a failure was; twice: in detail",
    )
    talk.add_argument(
        "-q", "--quiet", action="store_true", help="no progress, only results and errors"
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], text: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.set_defaults(handler=handler)
        return sub

    init = command("init", cmd_init, "create an archive with the default sources")
    init.add_argument("path", nargs="?", metavar="DIR", help="where (default: here)")

    run = command("run", cmd_run, "fetch due sources, record, project, commit")
    run.add_argument("--source", action="append", metavar="ABBR", help="only this source (repeat)")
    run.add_argument("--all", action="store_true", help="fetch every source, due or not")
    run.add_argument("--push", action="store_true", help="push to [publish] remotes afterwards")
    run.add_argument("--every", metavar="DURATION", help="repeat every DURATION (e.g. 1h)")
    run.add_argument("--wait", action="store_true", help="wait for a running pass to finish")

    command("status", cmd_status, "one row per source: successes, errors, schedule")
    search = command("search", cmd_search, 'find articles: words, Chinese, "phrases", -exclusions')
    search.add_argument(
        "query", nargs="+", metavar="QUERY", help="what to find (put -- before a leading -word)"
    )
    search.add_argument(
        "--source", action="append", metavar="ABBR", help="only this source (repeat)"
    )
    search.add_argument("--since", metavar="DATE", help="published on or after YYYY-MM-DD")
    search.add_argument("--until", metavar="DATE", help="published on or before YYYY-MM-DD")
    search.add_argument("--status", choices=STATUSES, help="only edited or removed articles")
    search.add_argument(
        "--limit", type=whole(1, MAX_LIMIT), default=20, metavar="N", help="hits (default 20)"
    )
    search.add_argument("--json", action="store_true", help="one JSON object per hit and line")
    rebuild_cmd = command("rebuild", cmd_rebuild, "regenerate every projection from the record")
    rebuild_cmd.add_argument("--wait", action="store_true", help="wait for a running pass")
    add_adopt_commands(command)

    extract = command(
        "extract", cmd_extract, "print the article extracted from pages as JSON Lines"
    )
    extract.add_argument(
        "inputs", nargs="*", metavar="PATH|URL", help="HTML files (.gz too) or URLs"
    )
    extract.add_argument(
        "--manifest", metavar="FILE", help='JSON Lines of {"path", "url"}; - for stdin'
    )
    extract.add_argument(
        "--jobs", type=whole(1, 256), metavar="N", help="worker processes (default: all cores)"
    )

    show = command("show", cmd_show, "an article and its history")
    show.add_argument("article", metavar="ARTICLE", help="id, file path or URL")
    diff = command("diff", cmd_diff, "what changed between two revisions, word by word")
    diff.add_argument("article", metavar="ARTICLE", help="id, file path or URL")
    diff.add_argument(
        "revs",
        nargs="*",
        type=whole(1, 10**9),
        metavar="REV",
        help="two revisions (default: the last two)",
    )
    recent = command("changes", cmd_changes, "edits, removals and restorations recorded recently")
    recent.add_argument(
        "--since",
        default="7d",
        metavar="WHEN",
        help="a duration such as 7d or 12h, or a date YYYY-MM-DD (default 7d)",
    )

    warc = command("import-warc", cmd_import_warc, "record the feeds and pages of WARC files")
    warc.add_argument("files", nargs="+", metavar="FILE", help="WARC or WARC.gz files")
    warc.add_argument("--wait", action="store_true", help="wait for a running pass")

    add_site_commands(command)
    add_user_commands(command)
    add_db_commands(command)
    add_migrate_commands(command)

    add_sources_commands(command)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args: argparse.Namespace | None = None
    try:
        args = parser().parse_args(text_arguments(sys.argv[1:] if argv is None else argv))
        configure_logging(-1 if args.quiet else args.verbose)
        code: int = args.handler(args)
        return code
    except NewsmirrorError as error:
        return report_failure(error, root_of(args) if args else Path())
    except (OSError, sqlite3.Error) as error:  # the last resort: what no stage turned into words
        log.info("where it failed", exc_info=error)
        return report_failure(error, root_of(args) if args else Path())
    except KeyboardInterrupt:
        errors.print("newsmirror: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
