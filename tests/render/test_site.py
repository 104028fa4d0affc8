"""The static site (`newsmirror build`): its pages, links, feeds, refusals, incremental builds and
the site branch, on real archives through the real command line. Search has its own tests."""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from lxml import html

from archive_helpers import make_archive, rss
from newsmirror.archive import library
from newsmirror.archive.archive import Archive
from newsmirror.clean import plain_text
from newsmirror.cli.main import main
from newsmirror.project.site import MANIFEST, STATIC_DIR, build
from newsmirror.record.log import RecordLog
from newsmirror.record.model import Revision, RevisionKind, iso, parse_iso
from newsmirror.render.paths import zone
from newsmirror.settings.sources import Source
from reader_archive import HOSTILE_TITLE, START, make_reader_archive, reader_revisions
from server import LocalServer, Reply

BASE = "https://example.org/mirror/news/"
EXTRA = 40  # bbc has 42 articles, two pages of its list; the home list has 45
FEEDS = ("atom.xml", "rss.xml", "feed.json")
BUILT = re.compile(r"built .*: (\d+) files, (\d+) rendered, (\d+) changed, (\d+) deleted in ")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_reader_archive(tmp_path / "archive", extra=EXTRA)


def site(
    capsys: pytest.CaptureFixture[str], root: Path, out: Path | None, *args: str
) -> dict[str, int]:
    """Build with the CLI; the counts it prints: files, rendered, changed, deleted."""
    where = ["--out", str(out)] if out else []
    assert main(["-C", str(root), "build", "--no-search", *where, *args]) == 0
    found = BUILT.search(capsys.readouterr().out)
    assert found, "no summary line"
    names = ("files", "rendered", "changed", "deleted")
    return dict(zip(names, map(int, found.groups()), strict=True))


def tree(out: Path) -> dict[str, bytes]:
    """Every file of a site (search index aside) by path relative to it."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.relative_to(out).parts[0] != "pagefind"
    }


def manifest(out: Path) -> dict[str, str]:
    keys: dict[str, str] = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    return keys


def latest() -> list[Revision]:
    """The latest revision of each article of the reader archive, newest article first."""
    by_article = {r.article: r for r in reader_revisions(EXTRA)}
    return sorted(by_article.values(), key=lambda r: (r.time, r.path), reverse=True)


def page_of(path: str, rev: int | None = None) -> str:
    stem = path.removesuffix(".md")
    return f"{stem}.v{rev}.html" if rev else f"{stem}.html"


def day_pages(utc_offset: str = "+08:00") -> set[str]:
    tz = zone(utc_offset)
    return {f"sources/{r.source}/{r.time.astimezone(tz):%Y/%m/%d}.html" for r in latest()}


def expected_files(base_url: bool) -> set[str]:
    articles = {page_of(r.path) for r in latest()}
    edited, removed = "articles/voa/2026/11/01-story-1.md", "articles/voa/2026/11/03-story-5.md"
    files = articles | {page_of(edited, 1), page_of(removed, 1)} | day_pages()
    files |= {"index.html", "page/1.html", "page/2.html", "sources/voa/days.html"}
    files |= {"sources/voa/index.html", "sources/voa/page/1.html"}
    files |= {"sources/bbc/index.html", "sources/bbc/page/1.html", "sources/bbc/page/2.html"}
    files |= {"sources/bbc/days.html"}
    files |= {"search.html", "robots.txt", MANIFEST}
    files |= {f"static/{p.name}" for p in STATIC_DIR.iterdir()} | {"static/fold.json"}
    if base_url:
        files |= {"sitemap.xml", *FEEDS}
        files |= {f"sources/{abbr}/{name}" for abbr in ("voa", "bbc") for name in FEEDS}
    return files


def html_pages(out: Path) -> dict[str, html.HtmlElement]:
    return {
        p.relative_to(out).as_posix(): html.fromstring(p.read_bytes())
        for p in sorted(out.rglob("*.html"))
    }


def text_of(page: html.HtmlElement) -> str:
    return " ".join(page.text_content().split())


# The pages


def test_the_site_has_every_page_of_the_archive(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    counts = site(capsys, root, out, "--base-url", BASE)
    assert set(tree(out)) == expected_files(base_url=True)
    files = len(expected_files(True)) - 1  # the manifest is not one of them
    assert counts == {"files": files, "rendered": files, "changed": files, "deleted": 0}
    pages = html_pages(out)
    # Lists: newest first, 30 to a page. The front page has the newest 30; numbered pages
    # count from the oldest (page 1 the oldest 30, page 2 the newest 15), so they never shift.
    titles = [r.title for r in latest()]

    def listed(path: str) -> list[str | None]:
        return [a.text for a in pages[path].cssselect("ol.items a")]

    assert listed("index.html") == titles[:30]
    assert listed("page/2.html") == titles[:15]
    assert listed("page/1.html") == titles[15:]
    assert len(pages["sources/bbc/index.html"].cssselect("ol.items li")) == 30
    assert len(pages["sources/bbc/page/2.html"].cssselect("ol.items li")) == 12
    assert len(pages["sources/bbc/page/1.html"].cssselect("ol.items li")) == 30
    older = pages["sources/bbc/index.html"].cssselect("nav.pager a[rel=next]")
    assert [a.get("href") for a in older] == ["page/1.html"]
    newer = pages["sources/bbc/page/2.html"].cssselect("nav.pager a[rel=prev]")
    assert [a.get("href") for a in newer] == ["../index.html"]
    assert "第 1 页" in text_of(pages["sources/bbc/page/1.html"])
    # Days: each day a source has articles, linking to that day's page.
    days = pages["sources/voa/days.html"].cssselect("ul.days a")
    assert [a.get("href") for a in days] == [
        "2026/11/03.html",
        "2026/11/02.html",
        "2026/11/01.html",
    ]
    assert "中俄关系新动向" in text_of(pages["sources/voa/2026/11/01.html"])
    # The edited article: its latest text, the list of versions, and the first version apart.
    edited = pages["articles/voa/2026/11/01-story-1.html"]
    assert "普京和习近平" in text_of(edited)
    assert "共 2 个版本" in text_of(edited)
    first = pages["articles/voa/2026/11/01-story-1.v1.html"]
    assert "这是第 1 版" in text_of(first) and "普京和习近平" not in text_of(first)
    assert first.cssselect("p.notice a")[0].get("href") == "01-story-1.html"
    # The removed article: the notice, with the evidence.
    removed = text_of(pages["articles/voa/2026/11/03-story-5.html"])
    assert "被删除（HTTP 404）" in removed and "美国大选进入最后阶段" in removed
    assert "被删除" not in text_of(pages["articles/voa/2026/11/01-story-1.html"])
    marks = {
        a.text: li.cssselect("span.mark")[0].text if li.cssselect("span.mark") else None
        for li in pages["sources/voa/index.html"].cssselect("ol.items li")
        for a in li.cssselect("a")
    }
    assert marks == {"美国大选": "已删除", "臺灣選舉結果": None, "中俄关系新动向": "已修改"}


@pytest.mark.parametrize("base_url", [BASE, ""])
def test_every_internal_link_and_resource_resolves_to_a_written_file(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], base_url: str
) -> None:
    """Relative links only, to files that exist: the site works from file:// and under any
    sub-path, with or without a base URL (and so without feeds)."""
    out = tmp_path / "site"
    site(capsys, root, out, "--base-url", base_url)
    files = set(tree(out))
    checked = 0
    for path, page in html_pages(out).items():
        for element, attribute, link, _ in page.iterlinks():
            if element.tag == "meta":
                continue
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                assert parts.scheme in ("http", "https", "data"), (path, link)
                assert not link.startswith(BASE), (path, link)  # pages never link absolute
                continue
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(path), unquote(parts.path))
            )
            assert target in files, f"{path}: {element.tag} {attribute}={link!r} leads nowhere"
            checked += 1
    assert checked > 500


def test_base_url_under_a_sub_path_goes_to_feeds_sitemap_and_robots(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    site(capsys, root, out, "--base-url", BASE.removesuffix("/"))  # the slash is added
    assert (
        out / "robots.txt"
    ).read_text() == f"User-agent: *\nAllow: /\nSitemap: {BASE}sitemap.xml\n"
    sitemap = html.etree.fromstring((out / "sitemap.xml").read_bytes())
    locations = [e.text or "" for e in sitemap.iter("{*}loc")]
    assert locations[0] == BASE + "index.html"
    assert sorted(locations[1:]) == sorted(BASE + page_of(r.path) for r in latest())
    assert all((out / url.removeprefix(BASE)).is_file() for url in locations)
    atom = feedparser.parse((out / "atom.xml").read_bytes())
    assert [link.href for link in atom.feed.links if link.rel == "self"] == [BASE + "atom.xml"]
    assert all(entry.link.startswith(BASE) for entry in atom.entries)


def test_without_a_base_url_there_are_no_feeds_and_no_sitemap(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    site(capsys, root, out)
    assert set(tree(out)) == expected_files(base_url=False)
    assert (out / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
    for page in html_pages(out).values():
        assert not [link for _, _, link, _ in page.iterlinks() if link.endswith(FEEDS)]


# The feeds


@pytest.mark.parametrize("abbr", [None, "voa", "bbc"])
def test_feeds_hold_the_latest_articles_in_full(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], abbr: str | None
) -> None:
    out = tmp_path / "site"
    site(capsys, root, out, "--base-url", BASE)
    folder = out / "sources" / abbr if abbr else out
    expected = [r for r in latest() if abbr in (None, r.source)][:50]
    links = [BASE + page_of(r.path) for r in expected]
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse((folder / name).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert [e.title for e in parsed.entries] == [r.title for r in expected]
        assert [e.link for e in parsed.entries] == links
        for entry, revision in zip(parsed.entries, expected, strict=True):
            assert plain_text(entry.content[0].value) == plain_text(revision.html) != ""
    items = json.loads((folder / "feed.json").read_bytes())["items"]
    assert [(i["title"], i["url"]) for i in items] == [
        (r.title, link) for r, link in zip(expected, links, strict=True)
    ]
    assert [plain_text(i["content_html"]) for i in items] == [plain_text(r.html) for r in expected]


# Bad input


def test_a_hostile_title_is_escaped_everywhere_and_no_page_runs_a_script(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    site(capsys, root, out, "--base-url", BASE)
    shown = 0
    for path, page in html_pages(out).items():
        raw = (out / path).read_text(encoding="utf-8")
        assert "<script>alert" not in raw
        scripts = page.findall(".//script")
        if path == "search.html":
            assert [(s.get("type"), s.get("src"), s.text) for s in scripts] == [
                ("module", "static/search.js", None)
            ]
        else:
            assert scripts == [] and "<script" not in raw, path
        shown += sum(1 for e in page.iter() if (e.text or "").strip() == HOSTILE_TITLE)
    # Its article's heading, and its line in the home list, the source's list, the day page.
    assert shown == 4
    items = json.loads((out / "feed.json").read_bytes())["items"]
    assert HOSTILE_TITLE in [item["title"] for item in items]
    assert "<script>" not in (out / "atom.xml").read_text(encoding="utf-8")


def test_a_folder_that_is_not_a_site_is_refused_and_left_alone(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert main(["-C", str(root), "build", "--out", str(out), "--no-search"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "not empty and not a site" in error
    assert tree(out) == {"notes.txt": b"keep me"}
    (out / "notes.txt").unlink()  # empty now: a site can go there
    site(capsys, root, out)
    assert (out / "index.html").is_file()


@pytest.mark.parametrize(
    "inside", ["articles/site", "record/site", ".newsmirror/site", ".", "..", "newsmirror.toml"]
)
def test_an_output_folder_in_the_archive_is_refused(
    root: Path, capsys: pytest.CaptureFixture[str], inside: str
) -> None:
    with Archive(root):  # index the record first, so that only the build could write anything
        pass
    before = tree(root)
    out = root / inside
    assert main(["-C", str(root), "build", "--out", str(out), "--no-search"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("newsmirror: ")
    changed = {p for p in tree(root).items() ^ before.items()}
    assert {p for p, _ in changed if not p.startswith(".newsmirror/")} == set()
    assert not (root / "articles").exists() and not (root / ".newsmirror/site").exists()
    assert not (root / "record" / "site").exists()


def test_a_site_dir_setting_in_the_archive_is_refused_with_the_default_named(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSMIRROR_PUBLISH_SITE_DIR", ".git")
    assert main(["-C", str(root), "build", "--no-search"]) == 2
    error = capsys.readouterr().err
    assert "inside the archive's .git/" in error and "(the default is _site)" in error, error


@pytest.mark.parametrize(
    "base_url",
    [
        "example.org/news/",
        "ftp://example.org/",
        "https://example.org/?a=1",
        "/news/",
        "https:///news/",
        "https://example.org/news/\nDisallow: /",  # a line of its own in robots.txt
        "https://example.org/news/\r\nSitemap: https://evil.example/s.xml",
        "https://example.org/a news/",
        "https://user@example.org/",
        "https://example.org:99999/",
    ],
)
def test_a_base_url_that_is_not_a_web_address_is_refused(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], base_url: str
) -> None:
    out = tmp_path / "site"
    assert main(["-C", str(root), "build", "--out", str(out), "--base-url", base_url]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "base URL" in error
    assert not out.exists()


def test_a_hostile_site_url_in_the_settings_is_refused_and_a_good_one_normalized(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = root / "newsmirror.toml"
    template = config.read_text(encoding="utf-8")
    out = tmp_path / "site"
    # A TOML escape puts a real line break in the value: robots.txt would carry it as a rule.
    for value in ("https://example.org/news/\\nDisallow: /", "https://example.org/ Disallow: /"):
        hostile = f'site_url = "{value}"'
        config.write_text(template.replace('# site_url = ""', hostile), encoding="utf-8")
        assert main(["-C", str(root), "build", "--out", str(out)]) == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "[publish] site_url" in error, error
        assert not out.exists()
    good = 'site_url = "HTTPS://Example.ORG/news"'
    config.write_text(template.replace('# site_url = ""', good), encoding="utf-8")
    assert main(["-C", str(root), "build", "--out", str(out)]) == 0
    robots = (out / "robots.txt").read_text()
    assert robots == "User-agent: *\nAllow: /\nSitemap: https://example.org/news/sitemap.xml\n"


def test_an_unreadable_or_hostile_manifest_renders_everything_and_deletes_nothing_outside(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, victim = tmp_path / "site", tmp_path / "victim.txt"
    victim.write_text("not the site's")
    site(capsys, root, out, "--base-url", BASE)
    built = tree(out)
    (out / MANIFEST).write_text("{not json")
    counts = site(capsys, root, out, "--base-url", BASE)
    assert counts["rendered"] == counts["files"] and counts["changed"] == 0
    assert tree(out) == built
    keys = manifest(out) | {"../victim.txt": "k", "/etc/hostname": "k", ".": "k", "a/../..": "k"}
    (out / MANIFEST).write_text(json.dumps(keys))
    assert site(capsys, root, out, "--base-url", BASE)["deleted"] == 0
    assert victim.read_text() == "not the site's" and tree(out) == built


def test_files_deleted_from_the_site_are_written_again(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    site(capsys, root, out, "--base-url", BASE)
    built = tree(out)
    (out / "index.html").unlink()
    for file in (out / "sources" / "voa").rglob("*"):
        if file.is_file():
            file.unlink()
    counts = site(capsys, root, out, "--base-url", BASE)
    assert counts["rendered"] == 1 + sum(1 for p in built if p.startswith("sources/voa/"))
    assert tree(out) == built


def test_pages_a_killed_build_left_half_written_are_written_whole_again(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """New files are written in place: a build killed while writing one leaves it cut short
    and missing from the manifest (written last), and the next build mends it."""
    out = tmp_path / "site"
    site(capsys, root, out, "--base-url", BASE)
    built = tree(out)
    cut = ["index.html", next(path for path in built if path.startswith("articles/"))]
    keys = manifest(out)
    for path in cut:
        (out / path).write_bytes(built[path][:100])
        del keys[path]
    (out / MANIFEST).write_text(json.dumps(keys))
    counts = site(capsys, root, out, "--base-url", BASE)
    assert counts["rendered"] == 2 and counts["changed"] == 2
    assert tree(out) == built


# Incremental builds


def edit(root: Path, title: str) -> Revision:
    """Record an edit of a bbc article on the first page of lists; returns the new revision."""
    first = next(r for r in reader_revisions(EXTRA) if r.title == title)
    edited = replace(
        first,
        rev=2,
        html=first.html.replace("</p>", "（更正）</p>"),
        text=first.text + "（更正）",
        hash=first.hash + "-2",
        change=RevisionKind.EDITED,
        fetched=iso(parse_iso(first.fetched) + timedelta(days=9)),
    )
    RecordLog(root).append([edited])
    return edited


def lists_of(out: Path, target: str) -> set[str]:
    """The list pages (home, source, day) that link to the page ``target``."""
    found = set()
    for path, page in html_pages(out).items():
        here = posixpath.dirname(path)
        if any(
            posixpath.normpath(posixpath.join(here, unquote(a.get("href", "")))) == target
            for a in page.cssselect("ol.items a")
        ):
            found.add(path)
    return found


def test_a_second_build_renders_nothing(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    first = site(capsys, root, out, "--base-url", BASE)
    files = tree(out)
    again = site(capsys, root, out, "--base-url", BASE)
    assert again == {"files": first["files"], "rendered": 0, "changed": 0, "deleted": 0}
    assert tree(out) == files


def test_an_edit_renders_its_article_lists_day_and_feeds_only(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    site(capsys, root, out, "--base-url", BASE)
    keys = manifest(out)
    edited = edit(root, "新闻 20")
    page = page_of(edited.path)
    lists = lists_of(out, page)
    # An older article: on a numbered page of the home list and of bbc's list, and its day.
    assert lists == {"page/1.html", "sources/bbc/page/1.html", "sources/bbc/2026/11/09.html"}
    counts = site(capsys, root, out, "--base-url", BASE)
    changed = {p for p, key in manifest(out).items() if keys.get(p) != key}
    feeds = {*FEEDS, *(f"sources/bbc/{name}" for name in FEEDS)}
    assert changed == {page, page_of(edited.path, 1), *lists, *feeds, "sitemap.xml"}
    assert counts["rendered"] == len(changed) and counts["deleted"] == 0
    assert "（更正）" in (out / page).read_text(encoding="utf-8")
    fresh = tmp_path / "fresh"
    site(capsys, root, fresh, "--base-url", BASE)
    assert tree(out) == tree(fresh)


def test_new_articles_shift_the_lists_and_match_a_full_build(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    site(capsys, root, out, "--base-url", BASE)
    newest = reader_revisions(EXTRA)[-3]
    later = [
        replace(
            newest,
            article=f"voa{900 + n:014d}",
            path=f"articles/voa/2026/12/0{n}-later-{n}.md",
            url=f"https://example.com/voa/later-{n}.html",
            keys=(f"url:example.com/voa/later-{n}.html",),
            title=f"后来 {n}",
            published=iso(START + timedelta(days=30 + n)),
            first_seen=iso(START + timedelta(days=30 + n)),
            fetched=iso(START + timedelta(days=30 + n)),
        )
        for n in range(1, 4)
    ]
    keys = manifest(out)
    RecordLog(root).append(later)
    counts = site(capsys, root, out, "--base-url", BASE)
    assert 0 < counts["rendered"] < counts["files"] // 2
    after = manifest(out)
    # Numbered pages count from the oldest: the full ones keep their articles and are not
    # rendered again; the newest numbered page and the front page take the new articles.
    assert after["page/1.html"] == keys["page/1.html"]
    assert after["page/2.html"] != keys["page/2.html"]
    assert after["index.html"] != keys["index.html"]
    fresh = tmp_path / "fresh"
    site(capsys, root, fresh, "--base-url", BASE)
    assert tree(out) == tree(fresh)


def test_a_changed_time_zone_renders_everything_and_deletes_pages_that_are_gone(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    monkeypatch.setenv("NEWSMIRROR_MIRROR_UTC_OFFSET", "-10:00")
    site(capsys, root, out, "--base-url", BASE)
    assert (out / "sources/voa/2026/10/31.html").is_file()
    keys = manifest(out)
    monkeypatch.delenv("NEWSMIRROR_MIRROR_UTC_OFFSET")  # back to +08:00
    counts = site(capsys, root, out, "--base-url", BASE)
    after = manifest(out)
    # Everything but what shows no time: robots.txt and the sitemap.
    assert {p for p, key in after.items() if keys.get(p) == key} == {"robots.txt", "sitemap.xml"}
    gone = day_pages("-10:00") - day_pages()
    assert gone and counts["deleted"] == len(gone)
    assert not any((out / path).exists() for path in gone)
    assert not (out / "sources/voa/2026/10").exists()  # nor the folders they leave empty
    assert set(after) == expected_files(True) - {MANIFEST}
    fresh = tmp_path / "fresh"
    site(capsys, root, fresh, "--base-url", BASE)
    assert tree(out) == tree(fresh)


def test_a_changed_base_url_renders_everything(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    site(capsys, root, out, "--base-url", BASE)
    keys = manifest(out)
    other = "https://mirror.example.net/"
    counts = site(capsys, root, out, "--base-url", other)
    assert counts["rendered"] == counts["files"] and counts["deleted"] == 0
    assert not set(keys.items()) & set(manifest(out).items())
    fresh = tmp_path / "fresh"
    site(capsys, root, fresh, "--base-url", other)
    assert tree(out) == tree(fresh)
    # Without a base URL the feeds and the sitemap are gone; files not of the site stay.
    (out / "CNAME").write_text("mirror.example.net\n")
    counts = site(capsys, root, out)
    assert counts["deleted"] == 1 + 3 * len(FEEDS)
    assert set(tree(out)) == expected_files(base_url=False) | {"CNAME"}


def test_pages_render_the_same_in_worker_processes(root: Path, tmp_path: Path) -> None:
    with Archive(root) as archive:
        here = build(archive, tmp_path / "here", BASE, search=False, jobs=1)
        apart = build(archive, tmp_path / "apart", BASE, search=False, jobs=2)
    assert here == apart and here.rendered == here.files
    assert tree(tmp_path / "here") == tree(tmp_path / "apart")


def test_pages_render_the_same_from_every_revision_read_at_once(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large build reads all revisions in one query (library.BULK_AFTER articles on)."""
    with Archive(root) as archive:
        one_by_one = build(archive, tmp_path / "one", BASE, search=False, jobs=1)
        monkeypatch.setattr(library, "BULK_AFTER", 0)
        at_once = build(archive, tmp_path / "all", BASE, search=False, jobs=1)
    assert one_by_one == at_once and any(".v1.html" in path for path in tree(tmp_path / "all"))
    assert tree(tmp_path / "one") == tree(tmp_path / "all")


# The site branch


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def committed(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The archive committed to its own branch, and a site branch configured."""
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.com")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "archive")
    monkeypatch.setenv("NEWSMIRROR_PUBLISH_SITE_BRANCH", "gh-pages")
    return root


def test_the_site_is_committed_to_its_branch_and_the_archive_is_untouched(
    committed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = committed
    state = [git(root, *args) for args in (["status", "--porcelain"], ["symbolic-ref", "HEAD"])]
    head = git(root, "rev-parse", "HEAD")
    assert main(["-C", str(root), "build", "--no-search", "--base-url", BASE]) == 0
    assert "committed the site to gh-pages" in capsys.readouterr().out
    out = root / "_site"  # the default folder, ignored by the archive's repository
    listed = git(root, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert sorted(listed) == sorted(tree(out)) and "index.html" in listed
    assert git(root, "show", "gh-pages:index.html").encode() == (out / "index.html").read_bytes()
    assert [git(root, "status", "--porcelain"), git(root, "symbolic-ref", "HEAD")] == state
    assert git(root, "rev-parse", "HEAD") == head
    # Nothing changed: no commit. An edit: one more.
    assert main(["-C", str(root), "build", "--no-search", "--base-url", BASE]) == 0
    assert "committed the site" not in capsys.readouterr().out
    assert git(root, "rev-list", "--count", "gh-pages").strip() == "1"
    edit(root, "新闻 20")
    assert main(["-C", str(root), "build", "--no-search", "--base-url", BASE]) == 0
    assert git(root, "rev-list", "--count", "gh-pages").strip() == "2"
    assert git(root, "rev-parse", "HEAD") == head


def test_build_push_sends_the_site_branch_to_the_remotes(
    committed: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, remote = committed, tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "--quiet", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    monkeypatch.setenv("NEWSMIRROR_PUBLISH_REMOTES", "origin")
    assert main(["-C", str(root), "build", "--no-search", "--push"]) == 0
    assert "push origin: pushed" in capsys.readouterr().out
    pushed = git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert sorted(pushed) == sorted(tree(root / "_site"))
    assert git(remote, "rev-parse", "gh-pages") == git(root, "rev-parse", "gh-pages")
    assert git(remote, "branch", "--list").split() == ["gh-pages"]  # the archive was not pushed


def test_a_site_built_inside_the_archive_is_never_committed_with_it(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = make_archive(
        tmp_path / "a", [Source("Site", "site", server.url("/feed.xml"))], monkeypatch
    )
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.com")
    stories = [
        {"title": f"文章 {n}", "link": f"https://e.com/{n}.html", "description": "正文。"}
        for n in (1, 2)
    ]
    server.route("/feed.xml", Reply(body=rss(stories[:1])))
    assert main(["-C", str(root), "run"]) == 0
    monkeypatch.chdir(root)  # as a user types it, in the archive
    assert main(["build", "--no-search", "--out", "site"]) == 0
    server.route("/feed.xml", Reply(body=rss(stories)))
    assert main(["-C", str(root), "run", "--all"]) == 0
    assert "committed: newsmirror: 1 new" in capsys.readouterr().out
    committed = git(root, "ls-files").splitlines()
    assert committed and not [path for path in committed if path.startswith("site/")]
    assert git(root, "status", "--porcelain") == ""
    # With a site branch, the folder goes to that branch only.
    monkeypatch.setenv("NEWSMIRROR_PUBLISH_SITE_BRANCH", "gh-pages")
    assert main(["build", "--no-search", "--out", "site"]) == 0
    assert "index.html" in git(root, "ls-tree", "--name-only", "gh-pages").split()
    assert git(root, "status", "--porcelain") == ""
    assert (root / ".git/info/exclude").read_text().count("/site/") == 1  # said once
