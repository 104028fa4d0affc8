"""`newsmirror run` with the store in PostgreSQL (``[store] url``): the record stays in the
archive's files, the state, article and search indexes live in the database, and the mirror is
the one SQLite makes of the same record, byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive_helpers import make_archive, nm, rss
from newsmirror.settings.sources import Source
from newsmirror.store.postgres import PostgresStore
from server import LocalServer, Reply


def item(n: int, body: str = "Body") -> dict[str, str]:
    return {
        "title": f"Story {n}",
        "link": f"https://news.example.com/a/{n}.html",
        "guid": f"id-{n}",
        "pubDate": f"Sat, 0{n % 9 + 1} Dec 2021 02:39:03 GMT",
        "description": f"<![CDATA[<p>{body} of story {n}.</p>]]>",
    }


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


def test_a_run_with_the_store_in_postgresql_makes_the_mirror_sqlite_makes(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sources = [
        Source("Alpha", "alpha", server.url("/alpha.xml")),
        Source("Beta", "beta", server.url("/beta.xml")),
    ]
    in_database = make_archive(tmp_path / "in-database", sources, monkeypatch)
    monkeypatch.setenv("NEWSMIRROR_STORE_URL", pg_url)
    assert nm(in_database, "db", "upgrade") == 0
    server.route("/alpha.xml", Reply(body=rss([item(1), item(2)])))
    server.route("/beta.xml", Reply(body=rss([item(3)])))
    assert nm(in_database, "run") == 0
    server.route("/alpha.xml", Reply(body=rss([item(1, "Edited body"), item(2), item(4)])))
    assert nm(in_database, "run", "--all") == 0

    assert not (in_database / ".newsmirror" / "state.sqlite").exists()
    assert not (in_database / ".newsmirror" / "search.sqlite").exists()
    capsys.readouterr()
    assert nm(in_database, "search", "edited") == 0
    assert "Story 1" in capsys.readouterr().out  # found in the database's index
    store = PostgresStore(pg_url)
    try:
        assert store.article_counts() == {"alpha": 3, "beta": 1}
        edited = store.resolve("https://news.example.com/a/1.html")
        assert edited is not None
        assert [r.rev for r in store.revisions_of(edited)] == [1, 2]
        assert store.unprojected() == []
    finally:
        store.close()

    # The same record, projected by an archive whose store is SQLite.
    monkeypatch.delenv("NEWSMIRROR_STORE_URL")
    alone = make_archive(tmp_path / "alone", sources, monkeypatch)
    shutil.copytree(in_database / "record", alone / "record")
    assert nm(alone, "rebuild") == 0
    assert (alone / ".newsmirror" / "state.sqlite").is_file()
    assert mirror(alone) == mirror(in_database)
    # Four articles, and the edited one's first revision beside it.
    assert len([p for p in mirror(in_database) if p.startswith("articles/")]) == 5
