"""Archives for tests: made by the real `init`, driven through the real command line."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from newsmirror.cli.main import main
from newsmirror.settings.configfile import init_archive
from newsmirror.settings.sources import Source


def make_archive(
    root: Path, sources: list[Source], monkeypatch: pytest.MonkeyPatch, full_text: str = "never"
) -> Path:
    """An archive of ``sources``; their article pages are not fetched unless ``full_text`` says
    so, as most tests serve feeds whose links point nowhere."""
    sources = [replace(source, full_text=full_text) for source in sources]
    monkeypatch.setenv("NEWSMIRROR_FETCH_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.setenv("NEWSMIRROR_FETCH_BACKOFF", "0.01")
    monkeypatch.setenv("NEWSMIRROR_FETCH_TIMEOUT", "5")
    init_archive(root, tuple(sources))
    return root


def nm(root: Path, *args: str) -> int:
    return main(["-C", str(root), *args])


def articles(root: Path) -> dict[str, str]:
    """Every article file of the archive, by path relative to the root."""
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted((root / "articles").rglob("*.md"))
    }


def git_log(root: Path) -> list[str]:
    done = subprocess.run(["git", "log", "--format=%s"], cwd=root, capture_output=True, text=True)
    return done.stdout.splitlines()


def rss(items: list[dict[str, str]], title: str = "Feed") -> bytes:
    """A small RSS 2.0 feed; each item's keys become child elements (values are raw XML)."""
    body = "".join(
        "<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in item.items()) + "</item>" for item in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{title}</title><link>https://example.com/</link>{body}</channel></rss>"
    ).encode()


def mirror(root: Path) -> dict[str, bytes]:
    """Every file the projection writes (what git commits), by path."""
    found = {"README.md": (root / "README.md").read_bytes()}
    for folder in ("articles", "lists"):
        found |= {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / folder).rglob("*"))
            if p.is_file()
        }
    return found


def story_item(n: int, body: str = "Body") -> dict[str, str]:
    """Item ``n`` of a feed of news.example.com, its description ``body`` of story n."""
    return {
        "title": f"Story {n}",
        "link": f"https://news.example.com/a/{n}.html",
        "guid": f"id-{n}",
        "pubDate": f"Sat, 0{n % 9 + 1} Dec 2021 02:39:03 GMT",
        "description": f"<![CDATA[<p>{body} of story {n}.</p>]]>",
    }
