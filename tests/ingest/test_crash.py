"""`kill -9` at any instant of a run loses nothing and duplicates nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from archive_helpers import articles, make_archive, nm, rss
from newsmirror.record.log import RecordLog
from newsmirror.settings.sources import Source
from server import LocalServer, Reply

FEEDS = 24
ITEMS = 30


def serve_feeds(server: LocalServer) -> list[Source]:
    sources = []
    for f in range(FEEDS):
        items = [
            {
                "title": f"Feed {f} story {n} 中文标题",
                "link": f"https://news{f}.example.com/a/{n}.html",
                "guid": f"{f}-{n}",
                "pubDate": f"Sat, {n % 28 + 1:02d} Nov 2026 0{n % 10}:00:00 GMT",
                "description": f"<![CDATA[<p>{'正文' * 200} {f}/{n}</p>]]>",
            }
            for n in range(ITEMS)
        ]
        # Staggered answers keep the run busy recording over a second or two, so the kills
        # below land in fetching, recording, projecting and committing alike.
        server.route(f"/f{f}.xml", Reply(body=rss(items), delay=(f % 8) * 0.12))
        sources.append(Source(f"Feed {f}", f"f{f}", server.url(f"/f{f}.xml")))
    return sources


def start_run(root: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NEWSMIRROR_FETCH_ALLOW_PRIVATE_NETWORKS": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "newsmirror.cli.main", "-C", str(root), "run", "--all"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_kill_at_several_points_then_complete(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = serve_feeds(server)
    reference = make_archive(tmp_path / "reference", sources, monkeypatch)
    assert nm(reference, "run") == 0
    expected = articles(reference)
    assert len(expected) == FEEDS * ITEMS

    root = make_archive(tmp_path / "killed", sources, monkeypatch)
    killed_mid_run = 0
    for delay in (0.6, 0.9, 1.2, 1.5, 1.8, 2.2, 2.6):
        process = start_run(root)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed_mid_run += 1
        process.wait()
        # After every kill the record reads cleanly (a torn last line is skipped).
        list(RecordLog(root).read_all())
    assert killed_mid_run >= 3

    assert nm(root, "run", "--all") == 0
    revisions = [e.revision for e in RecordLog(root).read_all()]
    assert Counter(r.article for r in revisions if r.rev == 1) == Counter(
        {r.article: 1 for r in revisions}
    )
    assert all(r.rev == 1 for r in revisions)
    assert articles(root) == expected
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True
    )
    assert status.stdout == ""
