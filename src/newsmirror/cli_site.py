"""The commands that publish the archive for readers: ``serve`` (the web reader) and ``build``
(the static site). Kept apart from cli.py, which holds the archive's own commands."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

from .archive import Archive
from .errors import ArchiveError
from .options import check_listen, whole
from .project.site import build, check_base_url
from .publish.git import push
from .publish.site_branch import commit_site, keep_out_of_commits
from .report import console, errors

Command = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .web.app import ROOT_VARIABLE, create_app

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
    with Archive(Path(args.directory or "."), wait=True) as archive:
        publish = archive.settings.publish
        out = Path(args.out) if args.out else archive.root / publish.site_dir
        if args.base_url is not None:
            base_url = check_base_url(args.base_url, "--base-url")
        else:
            base_url = check_base_url(publish.site_url, "[publish] site_url")
        started = time.perf_counter()
        result = build(archive, out, base_url, search=not args.no_search)
        # While the build holds the archive's lock no run can commit: listed in time.
        keep_out_of_commits(archive.root, out)
        seconds = time.perf_counter() - started
        console.print(
            f"built {out}: {result.files} files, {result.rendered} rendered, "
            f"{result.written} changed, {result.deleted} deleted in {seconds:.2f} s",
        )
        if not base_url:
            errors.print(
                "note: no base URL, so no feeds or sitemap; pass --base-url or set "
                "[publish] site_url",
            )
        if publish.site_branch:
            if commit_site(archive.root, out, publish.site_branch, "Site: rebuilt"):
                console.print(f"committed the site to {publish.site_branch}")
            if args.push:
                for pushed in push(
                    archive.root, publish.remotes, publish.site_branch, publish.site_branch
                ):
                    shown = console if pushed.ok else errors  # a failed push is an error
                    shown.print(f"push {pushed.remote}: {pushed.message}")
        elif args.push:
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
