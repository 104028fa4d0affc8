"""`newsmirror run` end to end against local feeds: recording, dedup, errors, git."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive_helpers import articles, git_log, make_archive, nm, rss
from newsmirror.archive.archive import Archive
from newsmirror.settings.sources import Source
from server import LocalServer, Reply


def item(n: int, **extra: str) -> dict[str, str]:
    fields = {
        "title": f"Story {n}",
        "link": f"https://news.example.com/a/{n}.html",
        "guid": f"id-{n}",
        "pubDate": f"Sat, 0{n % 9 + 1} Dec 2021 02:39:03 GMT",
        "description": f"<![CDATA[<p>Body of story {n}.</p>]]>",
    }
    fields.update(extra)
    return fields


def revisions(root: Path) -> list[tuple[str, int, str]]:
    with Archive(root, write=False) as archive:
        return [
            (e.revision.article, e.revision.rev, e.revision.title) for e in archive.log.read_all()
        ]


@pytest.fixture
def archive(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_archive(
        tmp_path / "a",
        [
            Source("Alpha", "alpha", server.url("/alpha.xml")),
            Source("Beta", "beta", server.url("/beta.xml")),
        ],
        monkeypatch,
    )


def test_first_run_records_and_commits(server: LocalServer, archive: Path) -> None:
    server.route("/alpha.xml", Reply(body=rss([item(1), item(2)])))
    server.route("/beta.xml", Reply(body=rss([item(3)])))
    assert nm(archive, "run") == 0
    assert len(articles(archive)) == 3
    assert git_log(archive) == ["newsmirror: 3 new, 0 revised"]
    assert (archive / "lists" / "Alpha.md").read_text().count("](/articles/alpha/") == 2


def test_unchanged_feed_writes_nothing_and_uses_conditional_get(
    server: LocalServer, archive: Path
) -> None:
    feed = rss([item(1)])
    server.route(
        "/alpha.xml",
        lambda r: (
            Reply(304)
            if r.headers.get("if-none-match") == '"v1"'
            else Reply(body=feed, headers={"ETag": '"v1"'})
        ),
    )
    server.route("/beta.xml", Reply(body=rss([item(3)])))  # no validators: full body each time
    assert nm(archive, "run") == 0
    record = sorted((archive / "record").rglob("*.jsonl"))
    sizes = [p.stat().st_size for p in record]
    assert nm(archive, "run", "--all") == 0
    assert [p.stat().st_size for p in sorted((archive / "record").rglob("*.jsonl"))] == sizes
    assert (
        server.requests[-2].headers.get("if-none-match") == '"v1"'
        or server.requests[-1].headers.get("if-none-match") == '"v1"'
    )
    assert len(git_log(archive)) == 1


def test_duplicates_are_one_article(server: LocalServer, archive: Path) -> None:
    server.route("/alpha.xml", Reply(body=rss([item(1)])))
    server.route("/beta.xml", Reply(body=rss([item(1)])))  # the same story through two feeds
    assert nm(archive, "run") == 0
    assert len(articles(archive)) == 1
    variants = [
        item(1, guid="a-new-guid"),  # the GUID changed, the URL stayed
        item(1, link="http://news.example.com/a/1.html/?utm_source=rss&amp;utm_medium=x"),
    ]
    for variant in variants:
        server.route("/alpha.xml", Reply(body=rss([variant])))
        assert nm(archive, "run", "--all") == 0
        assert len(articles(archive)) == 1
    assert [r[1] for r in revisions(archive)] == [1]


def test_retitled_item_is_a_revision_of_the_same_article(
    server: LocalServer, archive: Path
) -> None:
    server.route("/alpha.xml", Reply(body=rss([item(1)])))
    server.route("/beta.xml", Reply(body=rss([])))
    assert nm(archive, "run") == 0
    server.route("/alpha.xml", Reply(body=rss([item(1, title="Story 1, corrected")])))
    assert nm(archive, "run", "--all") == 0
    history = revisions(archive)
    assert [(rev, title) for _, rev, title in history] == [
        (1, "Story 1"),
        (2, "Story 1, corrected"),
    ]
    assert history[0][0] == history[1][0]
    files = articles(archive)
    (latest,) = [p for p in files if not p.endswith(".v1.md")]
    earlier = latest.removesuffix(".md") + ".v1.md"
    assert set(files) == {latest, earlier}
    assert "[Story 1, corrected](https://news.example.com/a/1.html)" in files[latest]
    assert "现为第2版" in files[latest]
    assert f'<a href="{earlier.rsplit("/", 1)[1]}">第1版 ' in files[latest]
    assert "[Story 1](https://news.example.com/a/1.html)" in files[earlier]
    assert "本文已修改" not in files[earlier]
    listing = (archive / "lists" / "Alpha.md").read_text()
    assert ".v1.md" not in listing and listing.count("](/articles/") == 1
    assert git_log(archive)[0] == "newsmirror: 0 new, 1 revised"
    for name in ("articles", "lists", ".newsmirror"):
        shutil.rmtree(archive / name)
    assert nm(archive, "rebuild") == 0
    assert articles(archive) == files


def test_a_failing_source_never_stops_the_others(
    server: LocalServer, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/alpha.xml", Reply(500, b"oops"))
    server.route("/beta.xml", Reply(body=rss([item(3)])))
    assert nm(archive, "run") == 0
    out, err = capsys.readouterr()
    assert "alpha: failed: " in err and "HTTP 500" in err  # errors go to standard error
    assert "beta: 1 new" in out and "alpha" not in out
    assert list(articles(archive)) and all("/beta/" in p for p in articles(archive))
    assert nm(archive, "status") == 0
    status = capsys.readouterr().out
    assert "HTTP 500" in status


def test_nothing_fetched_is_a_failure(
    server: LocalServer, archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/alpha.xml", Reply(404))
    server.route(
        "/beta.xml",
        Reply(
            body=b"<html><body>no feed here</body></html>", headers={"Content-Type": "text/html"}
        ),
    )
    assert nm(archive, "run") == 1
    err = capsys.readouterr().err
    assert "alpha: failed:" in err and "HTTP 404" in err
    assert "beta: failed:" in err and "links to no feed" in err
    assert "every source failed (2)" in err
    assert nm(archive, "status") == 1


def test_schedule_skips_sources_not_due(server: LocalServer, archive: Path) -> None:
    server.route("/alpha.xml", Reply(body=rss([item(1)])))
    server.route("/beta.xml", Reply(body=rss([item(3)])))
    assert nm(archive, "run") == 0
    hits = server.hits("/alpha.xml")
    assert nm(archive, "run") == 0  # within the hour: not due
    assert server.hits("/alpha.xml") == hits
    assert nm(archive, "run", "--source", "alpha") == 0  # named: fetched anyway
    assert server.hits("/alpha.xml") == hits + 1


def test_a_discovered_feed_that_disappears_is_discovered_again(
    server: LocalServer, archive: Path
) -> None:
    page = (
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/v1.xml">'
        b"</head></html>"
    )
    server.route("/alpha.xml", Reply(body=page, headers={"Content-Type": "text/html"}))
    server.route("/v1.xml", Reply(body=rss([item(1)])))
    server.route("/beta.xml", Reply(body=rss([])))
    assert nm(archive, "run") == 0
    assert nm(archive, "run", "--source", "alpha") == 0
    assert server.hits("/alpha.xml") == 1  # the found feed is remembered
    moved = page.replace(b"/v1.xml", b"/v2.xml")
    server.route("/alpha.xml", Reply(body=moved, headers={"Content-Type": "text/html"}))
    server.route("/v1.xml", Reply(404))
    server.route("/v2.xml", Reply(body=rss([item(1), item(2)])))
    assert nm(archive, "run", "--source", "alpha") == 1  # fails: the feed is gone
    assert nm(archive, "run", "--source", "alpha") == 0  # the page is read again
    assert server.hits("/v2.xml") == 1
    assert len([p for p in articles(archive) if "/alpha/" in p]) == 2


def test_run_every_repeats_until_interrupted(server: LocalServer, archive: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    server.route("/alpha.xml", Reply(body=rss([item(1)])))
    server.route("/beta.xml", Reply(body=rss([item(2)])))
    env = {**os.environ, "NEWSMIRROR_SCHEDULE_INTERVAL": "1s", "NEWSMIRROR_SCHEDULE_JITTER": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "newsmirror.cli.main", "-C", str(archive), "run", "--every", "1s"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while server.hits("/alpha.xml") < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=20)
    assert server.hits("/alpha.xml") >= 3
    assert process.returncode == 130 and "interrupted" in err and "Traceback" not in err


def test_failing_sources_back_off_further_each_time(server: LocalServer, archive: Path) -> None:
    from datetime import UTC, datetime

    server.route("/alpha.xml", Reply(500))
    server.route("/beta.xml", Reply(body=rss([])))
    waits = []
    for _ in range(6):
        nm(archive, "run", "--source", "alpha")
        with Archive(archive, write=False) as opened:
            state = opened.store.source_state("alpha")
        assert state.next_due is not None
        waits.append(state.next_due - datetime.now(UTC).timestamp())
    hour = 3600
    # interval, then 2x, 4x, 8x, 16x, then the 24 h cap; jitter is at most 10 %
    for wait, expected in zip(waits, [1, 2, 4, 8, 16, 24], strict=True):
        assert 0.85 * expected * hour < wait < 1.15 * expected * hour
    assert state.errors == 6
