"""The services called as a worker or a web handler would, without the command line: each
returns what it did and prints nothing. Then what the command line adds around them: -q, -v,
and the last resort that turns a fault no stage put into words into one line."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from archive_helpers import git_log, make_archive, nm, rss
from newsmirror.cli.options import configure_logging
from newsmirror.feeds import Outline, write_opml
from newsmirror.pools import process_pool, start_method
from newsmirror.services.adopt import adopt_archive
from newsmirror.services.build import build_site
from newsmirror.services.opml_import import import_opml
from newsmirror.services.run import run_sources
from newsmirror.settings.sources import Source
from server import LocalServer, Reply

SAMPLE = Path(__file__).parents[1] / "data" / "dm-archive"
ITEMS = [
    {
        "title": f"Item {i}",
        "link": f"https://e.example/{i}.html",
        "description": f"&lt;p&gt;{'文字 words ' * 30}{i}&lt;/p&gt;",
    }
    for i in range(3)
]


@pytest.fixture
def archive(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    server.route("/feed.xml", Reply(body=rss(ITEMS)))
    return make_archive(tmp_path / "a", [Source("A", "a", server.url("/feed.xml"))], monkeypatch)


def test_a_pass_returns_each_outcome_and_the_commit(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    told: list[object] = []
    totals: list[int] = []
    first = run_sources(archive, on_outcome=told.append, on_start=totals.append)
    assert capsys.readouterr() == ("", "")  # a service prints nothing
    (outcome,) = first.outcomes
    assert outcome.source.abbr == "a" and outcome.tally and outcome.tally.new == 3
    assert told == first.outcomes and totals == [1]
    assert first.committed and first.recorded and not first.every_one_failed
    assert first.message.startswith("newsmirror: 3 new, 0 revised")
    assert git_log(archive) == [first.message.splitlines()[0]]
    later = run_sources(archive)  # not due yet
    assert later.outcomes[0].skipped and later.attempted == []
    assert not later.committed and not later.recorded and not later.every_one_failed
    forced = run_sources(archive, ["a"], force=True, push_after=True)
    assert forced.outcomes[0].tally and forced.outcomes[0].tally.new == 0
    assert forced.no_remotes and forced.pushes == [] and not forced.committed


def test_a_pass_where_every_source_fails_says_so(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route("/gone.xml", Reply(status=404))
    root = make_archive(tmp_path / "a", [Source("A", "a", server.url("/gone.xml"))], monkeypatch)
    result = run_sources(root)
    assert result.every_one_failed and not result.recorded
    assert result.outcomes[0].error and "404" in result.outcomes[0].error


def test_an_opml_import_returns_the_sources_added(
    archive: Path, server: LocalServer, tmp_path: Path
) -> None:
    followed = Outline("A", server.url("/feed.xml"), None, None)
    opml = tmp_path / "feeds.opml"
    opml.write_bytes(
        write_opml("feeds", [followed, Outline("B", "https://b.example/feed.xml", None, "b")])
    )
    result = import_opml(archive, opml)
    assert [(s.abbr, s.url) for s in result.added] == [("b", "https://b.example/feed.xml")]
    assert result.skipped == [] and not result.failed and len(result.outlines) == 2
    again = import_opml(archive, opml)  # every feed followed already: nothing, and no failure
    assert again.added == [] and not again.failed
    empty = tmp_path / "empty.opml"
    empty.write_bytes(write_opml("none", []))
    assert import_opml(archive, empty).failed


def test_a_site_build_returns_what_it_wrote(archive: Path, tmp_path: Path) -> None:
    run_sources(archive)
    out = tmp_path / "site"
    result = build_site(archive, out, "https://mirror.example/", push_after=True)
    assert result.out == out and result.base_url == "https://mirror.example/"
    assert result.built.files > 3 and result.built.written == result.built.rendered
    assert (out / "index.html").is_file()
    assert result.no_branch and not result.committed and result.pushes == []
    again = build_site(archive, out, "https://mirror.example/")
    assert again.built.files == result.built.files and again.built.written == 0


def test_an_adoption_returns_the_articles_and_the_sources_it_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "mirror"
    shutil.copytree(SAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    make_archive(
        root, [Source("德国之声", "dw", "https://rss.dw.com/rdf/rss-chi-all")], monkeypatch
    )
    result = adopt_archive(root, root)
    assert capsys.readouterr() == ("", "")
    assert (result.adopted, result.already, result.copies) == (19, 0, 1)
    assert "BBC" in [source.abbr for source in result.added]
    assert git_log(root)[0] == "newsmirror: adopted 19 articles"
    assert adopt_archive(root, root).already == 20  # twice adds nothing (the copy too)


def test_quiet_hides_progress_and_keeps_results(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsmirror.cli.main import main

    try:
        assert main(["-q", "-C", str(archive), "run"]) == 0
    finally:
        configure_logging(0)
    out, err = capsys.readouterr()
    assert out == "committed: newsmirror: 3 new, 0 revised\n" and err == ""


def test_verbose_shows_what_the_work_does(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsmirror.cli.main import main

    try:
        assert main(["-vv", "-C", str(archive), "run"]) == 0
    finally:
        configure_logging(0)
    out, err = capsys.readouterr()
    assert "a: 3 new, 0 revised (3 items)" in out  # the default output, unchanged
    lines = err.splitlines()
    assert "newsmirror INFO newsmirror.services.run: 1 sources in" in err
    assert any(
        line.startswith("newsmirror DEBUG newsmirror.ingest.run: a: fetching http")
        for line in lines
    )
    assert all(line.startswith("newsmirror ") for line in lines)
    assert main(["-C", str(archive), "run", "--all"]) == 0  # and at the default level, none
    assert capsys.readouterr().err == ""


def test_an_unexpected_os_error_is_one_line_naming_the_file(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsmirror.cli.main import main

    assert nm(archive, "run") == 0
    readme = archive / "README.md"
    readme.unlink()
    readme.mkdir()  # where rebuild writes a file
    capsys.readouterr()
    assert nm(archive, "rebuild") == 1
    err = capsys.readouterr().err
    assert err == (
        f"newsmirror: {readme}: Is a directory; check this file, then run again "
        "(-v shows where it failed)\n"
    )
    try:
        assert main(["-v", "-C", str(archive), "rebuild"]) == 1
    finally:
        configure_logging(0)
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "IsADirectoryError" in err
    assert err.splitlines()[-1].startswith(f"newsmirror: {readme}: Is a directory")


def test_a_pool_never_forks_beside_another_thread() -> None:
    assert threading.active_count() == 1 and start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert start_method() == "forkserver"
        with process_pool(2, preload=["newsmirror.pools"]) as pool:
            assert list(pool.map(abs, [-1, -2, -3])) == [1, 2, 3]
    finally:
        stop.set()
        other.join()
