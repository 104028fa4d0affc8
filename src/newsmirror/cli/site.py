"""The commands that publish the archive for readers: ``serve`` (the web reader) and ``build``
(the static site). Kept apart from cli.py, which holds the archive's own commands."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from newsmirror.archive.archive import Archive
from newsmirror.cli.options import check_listen, whole
from newsmirror.cli.report import console, errors, print_pushes
from newsmirror.errors import ArchiveError
from newsmirror.services.build import build_site

Command = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from newsmirror.web.app import ROOT_VARIABLE, create_app

    root = Path(args.directory or ".")
    # Opened once here so that a wrong folder is a one-line error, not a server that fails.
    with Archive(root, write=False):
        pass
    check_listen(args.host, args.port)
    console.print(f"newsmirror: serving {root.resolve()} at http://{args.host}:{args.port}/")
    # Several worker processes import the app by name and find the archive in the environment.
    os.environ[ROOT_VARIABLE] = str(root.resolve())
    try:
        uvicorn.run(
            f"{create_app.__module__}:app_from_environment"
            if args.workers > 1
            else create_app(root),
            factory=args.workers > 1,
            workers=args.workers,
            host=args.host,
            port=args.port,
            log_level="warning",
            access_log=False,
        )
    except (OSError, SystemExit) as error:
        raise ArchiveError(f"cannot serve on {args.host}:{args.port}: {error}") from None
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    result = build_site(
        Path(args.directory or "."),
        Path(args.out) if args.out else None,
        args.base_url,
        search=not args.no_search,
        push_after=args.push,
    )
    built = result.built
    console.print(
        f"built {result.out}: {built.files} files, {built.rendered} rendered, "
        f"{built.written} changed, {built.deleted} deleted in {result.seconds:.2f} s",
    )
    if not result.base_url:
        errors.print(
            "note: no base URL, so no feeds or sitemap; pass --base-url or set [publish] site_url",
        )
    if result.committed:
        console.print(f"committed the site to {result.branch}")
    print_pushes(result.pushes)
    if result.no_branch:
        errors.print('--push: no site branch; set [publish] site_branch = "gh-pages"')
    return 0


def add_commands(command: Command) -> None:
    serve = command("serve", cmd_serve, "the web reader: pages, search, feeds, JSON API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument(
        "--port", type=whole(1, 65535), default=8080, help="port to listen on (8080)"
    )
    serve.add_argument("--workers", type=whole(1, 256), default=1, help="server processes (1)")

    site = command("build", cmd_build, "the static site: pages, feeds, sitemap, search index")
    site.add_argument("--out", metavar="DIR", help="output folder (default: [publish] site_dir)")
    site.add_argument(
        "--base-url", metavar="URL", help="the site's public URL (default: [publish] site_url)"
    )
    site.add_argument("--no-search", action="store_true", help="skip the search index")
    site.add_argument("--push", action="store_true", help="push [publish] site_branch")
