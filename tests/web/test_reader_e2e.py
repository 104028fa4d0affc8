"""End to end: `newsmirror serve` started as a command, used in headless Chromium."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser import Tab
from newsmirror.cli.main import main
from reader_archive import make_reader_archive

NEWSMIRROR = Path(sys.executable).with_name("newsmirror")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(root: Path, *options: str, log: Path | None = None) -> Iterator[str]:
    """`newsmirror serve` on a free port, until the block ends; yields its URL. Its output goes
    to ``log`` when given."""
    port = free_port()
    output = log.open("wb") if log else subprocess.PIPE
    server = subprocess.Popen(
        [str(NEWSMIRROR), "-C", str(root), "serve", "--port", str(port), *options],
        stdout=output,
        stderr=output,
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)
        if not isinstance(output, int):
            output.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(make_reader_archive(tmp_path_factory.mktemp("e2e") / "archive", extra=5)) as url:
        yield url


def test_several_worker_processes_serve_the_same_archive(tmp_path: Path) -> None:
    root = make_reader_archive(tmp_path / "archive")
    with serving(root, "--workers", "2") as url:
        for _ in range(4):
            with urllib.request.urlopen(url + "search.html?q=%E6%99%AE%E4%BA%AC") as answer:
                assert "中俄关系新动向" in answer.read().decode()


def test_serve_outside_an_archive_is_a_one_line_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(NEWSMIRROR), "-C", str(tmp_path), "serve"], capture_output=True, text=True
    )
    assert done.returncode == 1 and "not a newsmirror archive" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_serve_on_a_port_in_use_is_a_one_line_error(tmp_path: Path) -> None:
    root = make_reader_archive(tmp_path / "archive")
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(NEWSMIRROR), "-C", str(root), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
        )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == (
        f"newsmirror: cannot serve on 127.0.0.1:{port}: the port is taken by another program; "
        "choose another with --port"
    )


def test_search_in_chinese_and_open_the_article(tab: Tab, served: str) -> None:
    page = tab.page
    page.goto(served)
    expect(page.locator("h1")).to_have_text("最新文章 Latest")
    page.locator("header form.search input[name=q]").fill("臺灣")  # finds 台湾 and 臺灣
    page.locator("header form.search button").click()
    results = page.locator("ol.hits li > a")
    expect(results).to_have_count(1)
    expect(results.first).to_have_text("臺灣選舉結果")
    expect(page.locator("ol.hits mark").first).to_have_text("臺灣")
    results.first.click()
    expect(page).to_have_url(f"{served}articles/voa/2026/11/02-story-2.html")
    expect(page.locator("article h1")).to_have_text("臺灣選舉結果")
    expect(page.locator("article .body")).to_contain_text("國民黨表現如何")


def test_revisions_and_removal_are_shown_and_linked(tab: Tab, served: str) -> None:
    page = tab.page
    page.goto(f"{served}sources/voa/")
    page.get_by_role("link", name="中俄关系新动向").click()
    expect(page.locator("details.versions")).to_contain_text("共 2 个版本")
    page.get_by_role("link", name="第 1 版").click()
    expect(page.locator("p.notice")).to_contain_text("这是第 1 版")
    expect(page.locator("article .body")).not_to_contain_text("习近平")
    page.goto(f"{served}articles/voa/2026/11/03-story-5.html")
    expect(page.locator("p.notice.removed")).to_contain_text("被删除")


def test_dark_theme_follows_the_system(tab: Tab, served: str) -> None:
    page = tab.page
    page.emulate_media(color_scheme="dark")
    page.goto(served)
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="light")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark == "rgb(22, 23, 26)" and light == "rgb(253, 253, 251)"


def test_a_phone_sized_window_needs_no_sideways_scrolling(tab: Tab, served: str) -> None:
    page = tab.page
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("", "articles/voa/2026/11/01-story-1.html", "search.html?q=中俄"):
        page.goto(served + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, path


def test_the_static_site_reads_from_the_file_system(tab: Tab, tmp_path: Path) -> None:
    """After a `git clone`, a reader opens the site's files directly: links, style and all."""
    root = make_reader_archive(tmp_path / "archive", extra=5)
    assert main(["-C", str(root), "build", "--no-search"]) == 0
    page = tab.page
    page.goto((root / "_site" / "index.html").as_uri())
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "736px"  # style.css
    page.get_by_role("link", name="美国之音").first.click()
    page.get_by_role("link", name="中俄关系新动向").click()
    expect(page.locator("article h1")).to_have_text("中俄关系新动向")
    page.get_by_role("link", name="第 1 版").click()
    expect(page.locator("p.notice")).to_contain_text("这是第 1 版")
