"""Text a hostile feed carries: control characters, lone surrogates, placeholder dates, names that
a file system or git treats specially. Through a real run, a real git repository and the record."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive_helpers import articles, make_archive, nm, rss
from newsmirror.archive.archive import Archive
from newsmirror.clean import ImagePolicy
from newsmirror.prepare.candidates import prepare_feed
from newsmirror.settings.sources import Source
from server import LocalServer, Reply

JSON_FEED = "application/feed+json"


def json_feed(items: str, title: str = "Feed") -> bytes:
    """A JSON Feed whose items are given as raw JSON text (escapes and all)."""
    return (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "' + title + '", '
        '"items": [' + items + "]}"
    ).encode()


def recorded(root: Path) -> list[dict[str, object]]:
    with Archive(root, write=False) as archive:
        return [vars(entry.revision) for entry in archive.log.read_all()]


def test_controls_and_lone_surrogates_are_cleaned_and_the_feed_kept(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route(
        "/feed.json",
        Reply(
            body=json_feed(
                '{"id": "1", "url": "https://x.example/1", "title": "Nul\\u0000 and\\u0001bell",'
                ' "content_html": "<p>a\\u0000b\\u001bc\\u007fd</p>"},'
                '{"id": "2", "url": "https://x.example/2", "title": "Lone \\ud800 half",'
                ' "content_html": "<p>kept \\udfff too</p>",'
                ' "authors": [{"name": "\\u0000Ann\\ud83d"}]},'
                '{"id": "3", "url": "https://x.example/3", "title": "Plain"}'
            ),
            headers={"Content-Type": JSON_FEED},
        ),
    )
    root = make_archive(tmp_path / "a", [Source("J", "j", server.url("/feed.json"))], monkeypatch)
    assert nm(root, "run") == 0
    files = articles(root)
    assert len(files) == 3  # one bad character costs nothing else
    text = "".join(files.values())
    assert not any(ch in text for ch in "\x00\x01\x1b\x7f")
    assert "Nul and" in text and "Lone \ufffd half" in text and "kept \ufffd too" in text
    assert [r["authors"] for r in recorded(root) if r["authors"]] == [("Ann\ufffd",)]
    # git takes every article for text: numstat says "-" for a binary file
    numstat = subprocess.run(
        ["git", "show", "--numstat", "--format=", "HEAD"], cwd=root, capture_output=True, text=True
    ).stdout
    assert numstat and not any(line.startswith("-") for line in numstat.splitlines())


@pytest.mark.parametrize(
    "date",
    [
        "<pubDate>Sat, 01 Jan 0000 00:00:00 GMT</pubDate>",
        "<pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate>",
        "<pubDate>Thu, 01 Jan 1970 08:00:00 +0800</pubDate>",
        "<pubDate>0000-01-01T00:00:00Z</pubDate>",
    ],
)
def test_placeholder_dates_are_no_date(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, date: str
) -> None:
    item = f"<title>Undated</title><link>https://x.example/u</link>{date}"
    body = rss([]).replace(b"</channel>", f"<item>{item}</item></channel>".encode())
    server.route("/feed.xml", Reply(body=body))
    root = make_archive(tmp_path / "a", [Source("R", "r", server.url("/feed.xml"))], monkeypatch)
    assert nm(root, "run") == 0
    (revision,) = recorded(root)
    assert revision["published"] is None
    assert "/1970/" not in str(revision["path"]) and "/2000/" not in str(revision["path"])


@pytest.mark.parametrize(
    "date", ['"0000-01-01T00:00:00Z"', '"Sat, 01 Jan 0000 00:00:00 GMT"', '"1970-01-01T00:00:00Z"']
)
def test_placeholder_dates_in_json_feeds_are_no_date(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, date: str
) -> None:
    server.route(
        "/feed.json",
        Reply(
            body=json_feed(
                f'{{"id": "1", "url": "https://x.example/1", "date_published": {date}}}'
            ),
            headers={"Content-Type": JSON_FEED},
        ),
    )
    root = make_archive(tmp_path / "a", [Source("J", "j", server.url("/feed.json"))], monkeypatch)
    assert nm(root, "run") == 0
    (revision,) = recorded(root)
    assert revision["published"] is None


def test_a_nul_in_a_feed_title_is_no_source_name(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = '{"id": "1", "url": "https://x.example/1", "title": "One"}'
    server.route(
        "/feed.json",
        Reply(
            body=json_feed(item, title="Evil\\u0000\\u0007 News"),
            headers={"Content-Type": JSON_FEED},
        ),
    )
    root = make_archive(tmp_path / "a", [], monkeypatch)
    assert nm(root, "sources", "add", server.url("/feed.json")) == 0
    with Archive(root, write=False) as archive:
        (source,) = archive.settings.sources
    assert source.name == "Evil News"
    assert nm(root, "run") == 0 and nm(root, "run", "--all") == 0
    assert (root / "lists" / "Evil News.md").is_file()


def test_bidi_overrides_in_a_feed_title_or_name_are_dropped(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # U+202E shows what follows it backwards: "Evil \u202efdp.exe" reads "Evil exe.pdf" on a
    # terminal, a list or a page. Titles and names are one line; they have no use for it.
    item = (
        '{"id": "1", "url": "https://x.example/1", "title": "Doc \\u202efdp.exe \\u2066x\\u2069"}'
    )
    server.route(
        "/feed.json",
        Reply(body=json_feed(item, title="Evil\\u202e sweN"), headers={"Content-Type": JSON_FEED}),
    )
    root = make_archive(tmp_path / "a", [], monkeypatch)
    assert nm(root, "sources", "add", server.url("/feed.json")) == 0
    assert nm(root, "run") == 0
    with Archive(root, write=False) as archive:
        (source,) = archive.settings.sources
    assert source.name == "Evil sweN"
    assert [r["title"] for r in recorded(root)] == ["Doc fdp.exe x"]
    assert not any("\u202e" in text for text in articles(root).values())


@pytest.mark.parametrize(
    "name, file",
    [
        (".hidden", "_.hidden.md"),
        (".tmp-x", "_.tmp-x.md"),
        ("CON", "_CON.md"),
        ("a/b\\c", "a_b_c.md"),
        ('what? <really>: "yes" | *', "what_ _really__ _yes_ _ _.md"),
        ("trailing dots...", "trailing dots.md"),
        ("中文新闻", "中文新闻.md"),
    ],
)
def test_list_names_git_or_a_file_system_treats_specially_get_a_safe_file(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, file: str
) -> None:
    server.route("/feed.xml", Reply(body=rss([{"title": "T", "link": "https://x.example/1"}])))
    root = make_archive(tmp_path / "a", [Source(name, "s", server.url("/feed.xml"))], monkeypatch)
    assert nm(root, "run") == 0
    tracked = subprocess.run(
        ["git", "-c", "core.quotePath=false", "ls-files", "lists"],
        cwd=root,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert tracked == [f"lists/{file}"]


@pytest.mark.parametrize("closed", [True, False])  # well-formed, and broken (the loose parser)
def test_references_to_no_character_cost_nothing_else(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, closed: bool
) -> None:
    refs = ["&#xD800;", "&#55296;", "&#x110000;", "&#99999999999999999999;", "&#0;", "&#x1b;"]
    items = [
        {"title": f"T{i} a{ref}b", "link": f"https://x.example/{i}"} for i, ref in enumerate(refs)
    ]
    body = rss(items) if closed else rss(items).removesuffix(b"</rss>")
    server.route("/feed.xml", Reply(body=body))
    root = make_archive(tmp_path / "a", [Source("R", "r", server.url("/feed.xml"))], monkeypatch)
    assert nm(root, "run") == 0
    titles = sorted(str(r["title"]) for r in recorded(root))
    assert titles == [
        "T0 a\ufffdb", "T1 a\ufffdb", "T2 a\ufffdb", "T3 a\ufffdb", "T4 ab", "T5 ab"
    ]  # fmt: skip


def _json_string(text: str) -> str:
    """``text`` as a JSON string, lone surrogates written as the escapes a feed would use."""
    return "".join(
        f"\\u{ord(ch):04x}" if ch in '"\\' or ord(ch) < 0x20 or 0xD800 <= ord(ch) <= 0xDFFF else ch
        for ch in text
    ).join('""')


@settings(max_examples=200, deadline=None)
@given(title=st.text(max_size=30), body=st.text(max_size=60), author=st.text(max_size=10))
def test_any_text_in_a_feed_is_recorded_as_text(title: str, body: str, author: str) -> None:
    item = (
        f'{{"id": "1", "url": "https://x.example/1", "title": {_json_string(title)}, '
        f'"content_text": {_json_string(body)}, "authors": [{{"name": {_json_string(author)}}}]}}'
    )
    prepared = prepare_feed(json_feed(item), "https://x.example/f", JSON_FEED, "j", ImagePolicy())
    for candidate in prepared.candidates:
        values = [candidate.title, candidate.html, candidate.text, *candidate.item.authors]
        for value in values:
            value.encode("utf-8")  # no lone surrogate: it can be written
            assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value), repr(value)
        assert "\n" not in candidate.title and "\t" not in candidate.title
