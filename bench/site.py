"""Static-site benchmark: ``newsmirror build`` against Hugo on the same articles.

    .venv/bin/python bench/site.py [--articles 20000] [--rounds 3] [--no-search] [--profile N]

Writes an archive of N articles (paragraphs of real Chinese news, 2-5 KB of HTML each with a
figure, a sub-heading and a link; eight sources over two years; 1% edited, 0.2% taken down)
straight to the record, as a run records them, and indexes it once (a run indexes as it goes).
The same articles go to Hugo as Markdown files with raw HTML bodies and a theme of a few lines
(home, per-source term pages, 30 to a page, RSS, sitemap).

Then, each in a child process that times the work itself (interpreter start-up and imports
excluded; CPU seconds include worker processes): ``--rounds`` full ``build``s without search
into a new folder, each followed by ``hugo --quiet`` into a new folder (alternating, after a
sync: both write thousands of files to a disk other work shares, so the table shows the
fastest and the median of each); a full build with search; a build with nothing changed; then
``--rounds`` times, 10 more articles recorded and indexed as a run does, and a build after them,
without and with search. Files/s counts the files each tool wrote. ``--profile N`` also
profiles a full build (rendered in this process alone) and prints its N costliest calls.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from corpus import make_archive, revisions

BASE_URL = "https://example.org/news/"
PROFILED = "newsmirror|jinja2|nh3|sqlite|posixpath"


# Hugo: the same articles, a theme of a few lines, 30 to a page like ours.

HUGO_CONFIG = f"""baseURL = "{BASE_URL}"
title = "newsmirror bench"
languageCode = "zh"
paginate = 30
rssLimit = 50
[taxonomies]
source = "sources"
[markup.goldmark.renderer]
unsafe = true
"""
HUGO_HEAD = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<title>{{ .Title }}</title><link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head><body><nav>{{ range .Site.Taxonomies.sources }}
<a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a>{{ end }}</nav>
"""
HUGO_SINGLE = """<article><h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2006-01-02 15:04" }}</time> {{ delimit .Params.authors "、" }}
<a href="{{ .Params.original }}">原文</a></p>
{{ .Content }}</article></body></html>
"""
HUGO_LIST = """<h1>{{ .Title }}</h1><ol>{{ range $paginator.Pages }}
<li><time>{{ .Date.Format "2006-01-02 15:04" }}</time>
<a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>
{{ with $paginator.Prev }}<a href="{{ .URL }}">← 较新</a>{{ end }}
{{ $paginator.PageNumber }} / {{ $paginator.TotalPages }}
{{ with $paginator.Next }}<a href="{{ .URL }}">较早 →</a>{{ end }}</body></html>
"""
HUGO_LAYOUTS = {
    "_default/single.html": HUGO_HEAD + HUGO_SINGLE,
    "_default/list.html": HUGO_HEAD + "{{ $paginator := .Paginate .Pages }}" + HUGO_LIST,
    "index.html": HUGO_HEAD + "{{ $paginator := .Paginate .Site.RegularPages }}" + HUGO_LIST,
}


def write_hugo(folder: Path, made: list[Any]) -> None:
    """Each article's latest revision as ``content/posts/{id}.md``, its body as raw HTML."""
    posts = folder / "content" / "posts"
    posts.mkdir(parents=True)
    (folder / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (folder / "static").mkdir()
    (folder / "static" / "style.css").write_text("body { max-width: 40em }\n", encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (folder / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "layouts" / name).write_text(text, encoding="utf-8")
    for r in {r.article: r for r in made}.values():
        front = {"title": r.title, "date": r.published, "sources": [r.source]}
        front |= {"authors": list(r.authors), "original": r.url}
        text = f"---\n{json.dumps(front, ensure_ascii=False)}\n---\n{r.html}\n"
        (posts / f"{r.article}.md").write_text(text, encoding="utf-8")


# Timed runs, each in a child process


@dataclass
class Run:
    seconds: float  # the work, as the child timed it (Hugo: wall time of the process)
    cpu: float  # user + system seconds of the child and the worker processes it waited for
    figures: dict[str, Any]  # newsmirror: open, search seconds and Built's counts
    error: str = ""


def worker(kind: str, root: Path, out: Path, profile_to: str) -> None:
    """In the child: open the archive, build into ``out``, print the figures as the last line."""
    from newsmirror.archive.archive import Archive
    from newsmirror.project import site

    searched: list[float] = []

    class TimedIndexing(site.SearchIndexing):
        """The search index's time that is not hidden behind rendering: starting and waiting."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            started = time.perf_counter()
            super().__init__(*args, **kwargs)
            searched.append(time.perf_counter() - started)

        def finish(self) -> Any:
            started = time.perf_counter()
            try:
                return super().finish()
            finally:
                searched.append(time.perf_counter() - started)

    site.SearchIndexing = TimedIndexing  # type: ignore[misc]
    profiler = cProfile.Profile() if profile_to != "-" else None
    started = time.perf_counter()
    with Archive(root, wait=True) as archive:
        opened = time.perf_counter()
        if profiler:
            profiler.enable()
        result = site.build(
            archive, out, BASE_URL, search=kind == "search", jobs=1 if profiler else None
        )
        done = time.perf_counter()
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile_to)
    figures = {"open": opened - started, "build": done - opened, "search": sum(searched)}
    print("BENCH " + json.dumps(figures | asdict(result)))


def measure(command: list[str], cwd: Path | None = None) -> tuple[float, float, int, str]:
    """(wall seconds, CPU seconds, exit code, output) of a child process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    return wall, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status), output


def build(kind: str, root: Path, out: Path, profile_to: str = "-") -> Run:
    me = [sys.executable, str(Path(__file__).resolve()), "--worker", kind]
    _, cpu, code, output = measure([*me, str(root), str(out), profile_to])
    lines = [line for line in output.splitlines() if line.startswith("BENCH ")]
    if code != 0 or not lines:
        tail = output.strip().splitlines()
        return Run(0.0, cpu, {}, tail[-1] if tail else f"exit code {code}")
    figures = json.loads(lines[-1][6:])
    return Run(figures["build"], cpu, figures)


def hugo(folder: Path, public: str) -> Run:
    """``hugo --quiet`` into the new folder ``public``."""
    shutil.rmtree(folder / "resources", ignore_errors=True)
    os.sync()
    wall, cpu, code, output = measure(["hugo", "--quiet", "--destination", public], folder)
    if code != 0:
        return Run(wall, cpu, {}, output.strip().splitlines()[-1])
    return Run(wall, cpu, {"files": count_files(folder / public)})


def count_files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder))


# Output


def report(label: str, run: Run) -> None:
    if run.error:
        print(f"{label}: FAILED: {run.error}")
        return
    f = run.figures
    line = f"{label}: {run.seconds:.2f} s ({run.cpu:.1f} s CPU incl. start-up), "
    line += f"{f['rendered']:,} rendered of {f['files']:,} files, {f['deleted']:,} deleted; "
    line += f"archive opened in {f['open']:.2f} s"
    if f["search"]:
        line += f"; waiting for the search index {f['search']:.2f} s of it"
    print(line)


def table(ours: list[Run], theirs: list[Run], later: list[tuple[Run, Run | None]]) -> None:
    """Side by side: files written, seconds, CPU seconds, files per second, for the fastest
    and the median full build of each tool; then each build after 10 new articles."""
    heading = f"{'files':>8}{'seconds':>9}{'CPU s':>8}{'files/s':>9}"
    print(f"\n{'full builds, fastest / median':<40}{heading}")
    for label, runs in (("newsmirror build --no-search", ours), ("Hugo (hugo --quiet)", theirs)):
        done = sorted((r for r in runs if not r.error), key=lambda r: r.seconds)
        for which, run in (("fastest", done[0]), ("median", done[len(done) // 2])) if done else ():
            files = run.figures["files"]
            print(
                f"{label + ', ' + which:<40}{files:>8,}{run.seconds:>9.2f}{run.cpu:>8.1f}"
                f"{files / run.seconds:>9,.0f}"
            )
    print(f"\n{'after 10 new articles':<40}{'files':>8}{'seconds':>9}{'with search':>13}")
    for n, (pages, searched) in enumerate(later, 1):
        if pages.error:
            continue
        seconds = pages.figures["open"] + pages.figures["build"]
        with_search = ""
        if searched and not searched.error:
            with_search = f"{searched.figures['open'] + searched.figures['build']:.2f}"
        label = f"round {n}"
        print(f"{label:<40}{pages.figures['rendered']:>8}{seconds:>9.2f}{with_search:>13}")
    print("(seconds: opening the archive and building; files: rendered)")


def bench(articles: int, search: bool, profile: int, rounds: int) -> None:
    from newsmirror.archive.archive import Archive

    work = Path(tempfile.mkdtemp(prefix="newsmirror-site-bench-"))
    root, out = work / "archive", work / "site"
    try:
        made = make_archive(root, articles)
        write_hugo(work / "hugo", made)
        version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout
        print(version.strip())
        # Both tools write thousands of files, and this machine's disk is shared: full builds
        # alternate, each after a sync, and the table shows the fastest and the median.
        ours: list[Run] = []
        theirs: list[Run] = []
        for n in range(rounds):  # each into a new folder: deleting the last one slows the disk
            os.sync()
            ours.append(build("full", root, work / f"site-{n}"))
            report(f"newsmirror full build, --no-search ({n + 1})", ours[-1])
            theirs.append(hugo(work / "hugo", f"public-{n}"))
            print(f"Hugo ({n + 1}): {theirs[-1].error or f'{theirs[-1].seconds:.2f} s'}")
        (work / f"site-{rounds - 1}").rename(out)
        for n in range(rounds - 1):
            shutil.rmtree(work / f"site-{n}")
        shutil.rmtree(work / "hugo")
        searched = build("search", root, work / "searched") if search else None
        if searched:
            report("newsmirror full build with search", searched)
        report("newsmirror build, nothing changed", build("full", root, out))
        later: list[tuple[Run, Run | None]] = []
        for n in range(rounds):
            with Archive(root) as archive:  # as a run records and indexes them
                archive.append(revisions(10, articles + 10 * n))
            pages = build("full", root, out)
            report(f"newsmirror build after 10 new articles ({n + 1})", pages)
            again = build("search", root, work / "searched") if searched else None
            if again:
                report(f"newsmirror build with search after those 10 ({n + 1})", again)
            later.append((pages, again))
        table(ours, theirs, later)
        if profile:
            stats = work / "full.prof"
            build("full", root, work / "profiled", str(stats))
            print(f"\nfull build in one process under cProfile, top {profile} by own time:")
            pstats.Stats(str(stats)).sort_stats("tottime").print_stats(profile)
            print(f"top {profile} cumulative ({PROFILED}):")
            pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(PROFILED, profile)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        kind, root, out, profile_to = sys.argv[2:6]
        return worker(kind, Path(root), Path(out), profile_to)
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--articles", type=int, default=20000, help="articles (default 20000)")
    options.add_argument("--no-search", action="store_true", help="skip the search index")
    options.add_argument("--profile", type=int, default=0, metavar="N", help="and profile")
    options.add_argument("--rounds", type=int, default=3, help="of each measurement (default 3)")
    args = options.parse_args()
    bench(args.articles, not args.no_search, args.profile, max(1, args.rounds))


if __name__ == "__main__":
    main()
