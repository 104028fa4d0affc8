"""Adopting archives of the old mirror scripts exactly as they are, and carrying them on.

``tests/data/dm-archive`` is a sample of a real one (see its SOURCE.txt); the other archives
here are made in the same family's shapes (other folder and file names) to keep the code honest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive_helpers import git_log, make_archive, nm, rss
from newsmirror.adopt.adopt import adopt
from newsmirror.archive.archive import Archive
from newsmirror.clean import ImagePolicy, sanitize
from newsmirror.record.fingerprint import reading_hash
from newsmirror.render.adopted_lists import carry_on_list
from newsmirror.settings.sources import Source
from server import LocalServer, Reply

SAMPLE = Path(__file__).parents[1] / "data" / "dm-archive"
OLD_FILES = ("articles", "lists", "README.md")


def files_of(root: Path) -> dict[str, str]:
    """sha256 of every file of the old archive's parts, by path."""
    found = {}
    for part in OLD_FILES:
        start = root / part
        for path in [start] if start.is_file() else sorted(start.rglob("*")):
            if path.is_file():
                found[path.relative_to(root).as_posix()] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
    return found


def old_archive(root: Path) -> Path:
    """The sample as its owner has it: a git repository of the old scripts' files."""
    shutil.copytree(SAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_sample_adopted_in_place_stays_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = old_archive(tmp_path / "mirror")
    before = files_of(root)
    make_archive(
        root, [Source("德国之声", "dw", "https://rss.dw.com/rdf/rss-chi-all")], monkeypatch
    )
    assert nm(root, "adopt", str(root)) == 0
    out, err = capsys.readouterr()
    # 20 files: 19 articles, one file more that shares its URL (dw 1024340 and 1024408).
    assert "adopted 19 articles (0 already in the record, 1 kept as copies" in out
    assert "0 files skipped" in out
    assert "BBC: added as a disabled source named 'BBC'" in err
    assert files_of(root) == before  # nothing of the old archive changed, nothing added
    assert git_log(root) == ["newsmirror: adopted 19 articles"]
    config = (root / "newsmirror.toml").read_text(encoding="utf-8")
    assert 'abbr = "BBC"' in config and 'name = "BBC"' in config and "enabled = false" in config
    assert 'abbr = "voa"' in config  # a folder without a list is named after the folder

    capsys.readouterr()
    assert nm(root, "show", "articles/dw/1024340.md") == 0  # the copy leads to its article
    assert "articles/dw/1024408.md" in capsys.readouterr().out
    assert nm(root, "rebuild") == 0
    assert files_of(root) == before
    for part in (*OLD_FILES, ".newsmirror"):
        shutil.rmtree(root / part) if (root / part).is_dir() else (root / part).unlink()
    assert nm(root, "rebuild") == 0  # from the record alone
    assert files_of(root) == before

    capsys.readouterr()
    assert nm(root, "adopt", str(root)) == 0  # twice: nothing more
    assert "adopted 0 articles (20 already in the record" in capsys.readouterr().out
    assert git_log(root) == ["newsmirror: adopted 19 articles"]


def test_sample_adopted_from_another_folder_is_copied_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = tmp_path / "old"
    shutil.copytree(SAMPLE, old)
    root = make_archive(tmp_path / "new", [], monkeypatch)
    assert nm(root, "adopt", str(old)) == 0
    assert files_of(root) == files_of(old)
    assert files_of(old) == files_of(SAMPLE)  # the old one is only read
    assert not (root / "lists/美国之音.md").exists()  # no list for a source it never listed


def _publisher_markup(path: Path) -> tuple[str, str, str]:
    """(title, url, body) of an adopted file, its body as the publisher's feed would carry it:
    other markup, original image URLs, no date line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    title, url = lines[1][1:].split("](", 1)
    body = lines[4].split("</div>", 1)[1]  # the old mirror's date line goes
    body = body.replace("https://images.weserv.nl/?url=", "https://")
    body = body.replace("<p>", '<p class="text">\n  ')
    return title, url.removesuffix(")"), body


def test_a_run_after_adoption_carries_the_archive_on(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = old_archive(tmp_path / "mirror")
    before = files_of(root)
    make_archive(root, [Source("德国之声", "dw", server.url("/dw.xml"))], monkeypatch)
    assert nm(root, "adopt", str(root)) == 0
    title, url, body = _publisher_markup(root / "articles/dw/1024206.md")
    same = {
        "title": title,
        "link": url,
        "pubDate": "Wed, 25 Sep 2024 05:47:03 GMT",
        "description": f"<![CDATA[{body}]]>",
    }
    new = [
        {
            "title": f"新文章 {n} (a) [b]",
            "link": f"https://www.dw.com/zh/new/a-7100000{n}",
            "pubDate": f"Thu, 26 Sep 2024 0{n}:00:00 GMT",
            "description": f"<p>新的正文 {n}。</p>",
        }
        for n in (1, 2)
    ]
    server.route("/dw.xml", Reply(body=rss([*new, same])))
    old_list = (root / "lists/德国之声.md").read_text(encoding="utf-8")
    assert nm(root, "run") == 0
    after = files_of(root)
    changed = {path for path in before if after.get(path) != before[path]}
    assert changed == {"lists/德国之声.md"}  # the adopted article is not edited
    created = sorted(set(after) - set(before))
    assert created == [
        "articles/dw/2024/09/26-a-71000001.md",
        "articles/dw/2024/09/26-a-71000002.md",
    ]
    listing = (root / "lists/德国之声.md").read_text(encoding="utf-8")
    head = "德国之声\n------\n\n"
    top = (
        "9-26 [新文章 2 (a) \\[b\\]](/articles/dw/2024/09/26-a-71000002.md)\n\n"
        "9-26 [新文章 1 (a) \\[b\\]](/articles/dw/2024/09/26-a-71000001.md)\n\n"
    )
    old_entries = old_list.removeprefix(head)
    # New entries on top, the old ones below exactly as they were, cut at 300 from the bottom
    # (entries for files the archive does not hold included).
    assert listing == head + top + old_entries[: old_entries.index("8-24 [黑利")]
    assert listing.count("\n9-") + listing.count("\n8-") == 300

    log = git_log(root)
    assert nm(root, "run", "--all") == 0  # the same feed again: nothing changes
    assert git_log(root) == log
    assert files_of(root) == after


def test_the_bbc_list_keeps_its_tail_and_links_with_spaces_are_encoded(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = old_archive(tmp_path / "mirror")
    make_archive(root, [Source("BBC", "BBC", server.url("/bbc.xml"))], monkeypatch)
    monkeypatch.setenv("NEWSMIRROR_MIRROR_LIST_SIZE", "5")
    assert nm(root, "adopt", str(root)) == 0
    item = {
        "title": "新的 BBC 文章",
        "link": "https://www.bbc.com/zhongwen/simp/world-99999999",
        "pubDate": "Wed, 02 Sep 2020 02:00:00 GMT",
        "description": "<p>正文。</p>",
    }
    server.route("/bbc.xml", Reply(body=rss([item])))
    assert nm(root, "run") == 0
    listing = (root / "lists/BBC.md").read_text(encoding="utf-8")
    lines = [line for line in listing.split("\n") if line]
    assert lines[2] == "9-2 [新的 BBC 文章](/articles/BBC/2020/09/02-world-99999999.md)"
    assert lines[3].endswith(
        "(/articles/BBC/1047717_Zoom营收暴增%20受益于疫情的会议软件如何挣钱.md)"
    )
    assert len(lines) == 2 + 5 + 1 and listing.endswith("\n\n\n[查看更多](/articles/BBC)")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme == (SAMPLE / "README.md").read_text(encoding="utf-8")  # BBC was linked


def _write(root: Path, path: str, published: datetime, url: str, body: str = "<p>x</p>") -> None:
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    ms = int(published.timestamp() * 1000)
    file.write_text(f"<!--{ms}-->\n[标题 {path}]({url})\n------\n\n{body}\n", encoding="utf-8")


def test_adopted_articles_are_not_rechecked_in_a_flood_but_on_request(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "mirror"
    now = datetime.now(UTC)
    for n, age in enumerate((timedelta(days=400), timedelta(days=90), timedelta(hours=2))):
        _write(root, f"articles/Rfa/{1000 - n}.md", now - age, server.url(f"/a/{n}"))
    (root / "lists").mkdir()
    (root / "lists/自由亚洲.md").write_text(
        "自由亚洲\n------\n\n1-1 [x](/articles/Rfa/1000.md)\n", encoding="utf-8"
    )
    make_archive(root, [Source("自由亚洲", "Rfa", server.url("/rfa.xml"))], monkeypatch)
    assert nm(root, "adopt", str(root)) == 0
    server.route("/rfa.xml", Reply(body=rss([])))
    for n in range(3):
        server.route(f"/a/{n}", Reply(body=b"<html><body><p>x</p></body></html>"))
    assert nm(root, "run") == 0
    # Only the article published two hours ago is within its re-check schedule.
    assert [server.hits(f"/a/{n}") for n in range(3)] == [0, 0, 1]
    assert nm(root, "run", "--all") == 0
    assert [server.hits(f"/a/{n}") for n in range(3)] == [0, 0, 1]

    server.route("/a/1", Reply(404, b"gone"))
    capsys.readouterr()
    since = (now - timedelta(days=100)).strftime("%Y-%m-%d")
    assert nm(root, "recheck", "--source", "Rfa", "--since", since, "--delay", "0") == 0
    out = capsys.readouterr().out
    assert "Rfa: checked 2 of 2; 1 changed" in out
    assert [server.hits(f"/a/{n}") for n in range(3)] == [0, 1, 2]
    assert "被删除" in (root / "articles/Rfa/999.md").read_text(encoding="utf-8")
    assert nm(root, "recheck", "--source", "nope", "--since", since) == 2
    assert nm(root, "recheck", "--source", "Rfa", "--since", "2024-02-30") == 2


def test_bad_inputs_are_one_line_and_leave_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_archive(tmp_path / "archive", [], monkeypatch)
    (tmp_path / "empty").mkdir()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    state = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git/" not in str(p))
    for path, says in (
        (tmp_path / "missing", "no such folder"),
        (tmp_path / "empty", "no articles/ folder"),
        (tmp_path / "file", "not a folder"),
    ):
        capsys.readouterr()
        assert nm(root, "adopt", str(path)) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and says in err and str(path) in err
    after = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git/" not in str(p))
    assert after == state

    # A file in the way at the target: refused before anything is written.
    old = tmp_path / "old"
    _write(old, "articles/voa/1.md", datetime(2021, 1, 1, tzinfo=UTC), "https://x.org/1")
    (root / "articles/voa").mkdir(parents=True)
    (root / "articles/voa/1.md").write_text("mine", encoding="utf-8")
    capsys.readouterr()
    assert nm(root, "adopt", str(old)) == 2
    assert "articles/voa/1.md: a different file is there already" in capsys.readouterr().err
    assert not (root / "record").exists()
    assert (root / "articles/voa/1.md").read_text(encoding="utf-8") == "mine"
    assert "voa" not in (root / "newsmirror.toml").read_text(encoding="utf-8")


def test_hostile_archives_cannot_reach_outside_or_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.md"
    _write(tmp_path, "secret.md", datetime(2021, 1, 1, tzinfo=UTC), "https://x.org/secret")
    old = tmp_path / "old"
    day = datetime(2021, 1, 1, tzinfo=UTC)
    _write(old, "articles/ok/1.md", day, "https://x.org/1")
    _write(old, "articles/ok/2_a (b) c.md", day, "https://x.org/2")
    _write(old, "articles/ok/late.md", datetime(9999, 12, 31, tzinfo=UTC), "https://x.org/9")
    _write(old, "articles/ok/bad\nname\x1b[2J.md", day, "https://x.org/3")
    (old / "articles/ok/link.md").symlink_to(secret)
    (old / "articles/ok/zero.md").symlink_to("/dev/zero")
    (old / "articles/linked").symlink_to(tmp_path)
    os.mkfifo(old / "articles/ok/fifo.md")
    (old / "articles/ok/big.md").write_text("<!--1-->\n" + "x" * 5000, encoding="utf-8")
    (old / "articles/ok/js.md").write_text(
        "<!--1609459200000-->\n[t](https://x.org/js)\n------\n\n"
        '<p><a href="javascript:alert(1)">a</a><img src="data:x" onerror="y"></p>'
        '<blockquote cite="javascript:z">q</blockquote>\n',
        encoding="utf-8",
    )
    deep = old / "articles/ok"
    for _ in range(40):  # deeper than any old archive (pytest's clean-up recurses, so not more)
        deep = deep / "d"
        os.mkdir(deep)
    _write(old, "articles/ok/d/d/2.md", day, "https://x.org/nested")
    (old / "articles/..abc").mkdir()
    (old / "lists").mkdir()
    (old / "lists/ok.md").write_text(
        "ok\n------\n\n1-1 [x](/articles/..abc/1.md)\n\n1-1 [y](/articles/ok/1.md)\n",
        encoding="utf-8",
    )
    root = make_archive(tmp_path / "archive", [], monkeypatch)
    monkeypatch.setenv("NEWSMIRROR_MIRROR_ADOPT_MAX_BYTES", "4000")
    assert nm(root, "adopt", str(old)) == 0
    out, err = capsys.readouterr()
    assert "adopted 5 articles" in out and "7 files skipped" in out
    assert f"articles/ok/{'d/' * 16}d: nested deeper than 16 folders" in err
    assert "articles/ok/link.md: a symbolic link" in err
    assert "articles/ok/zero.md: a symbolic link" in err
    assert "articles/linked: a symbolic link" in err
    assert "articles/ok/fifo.md: not a regular file" in err
    assert "articles/ok/big.md: larger than [mirror] adopt_max_bytes" in err
    assert "articles/ok/bad\\x0aname\\x1b[2J.md: its name has control characters" in err
    assert "\x1b" not in err
    assert "secret" not in "".join(p.name for p in (root / "articles").rglob("*"))
    lines = [
        line
        for p in (root / "record").glob("*/*.jsonl")
        for line in p.read_text("utf-8").split("\n")
        if line
    ]
    revisions = [json.loads(line) for line in lines]
    assert sorted(r["path"] for r in revisions) == [
        "articles/ok/1.md",
        "articles/ok/2_a (b) c.md",
        "articles/ok/d/d/2.md",
        "articles/ok/js.md",
        "articles/ok/late.md",
    ]
    late = next(r for r in revisions if r["path"].endswith("late.md"))
    assert late["published"] is None  # 9999-12-31 is no date
    for revision in revisions:  # what the reader and the site show is sanitized
        assert "javascript:" not in revision["html"] and "data:" not in revision["html"]
        assert "onerror" not in revision["html"]
    assert nm(root, "rebuild") == 0 and nm(root, "build") == 0


def test_removing_every_source_leaves_a_file_that_add_and_adopt_accept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_archive(tmp_path / "a", [Source("甲", "a", "https://a.org/feed")], monkeypatch)
    assert nm(root, "sources", "remove", "a") == 0
    assert "sources = []" not in (root / "newsmirror.toml").read_text(encoding="utf-8")
    assert nm(root, "sources", "add", "https://b.org/feed", "--no-fetch", "--abbr", "b") == 0
    assert nm(root, "sources", "remove", "b") == 0
    assert nm(root, "adopt", str(SAMPLE)) == 0
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline text="BBC" xmlUrl="https://c.org/feed"/></body></opml>',
        encoding="utf-8",
    )
    capsys.readouterr()
    assert nm(root, "sources", "import", str(opml)) == 1  # nothing could be imported
    err = capsys.readouterr().err
    assert "https://c.org/feed: skipped" in err and "no feed could be imported" in err


def test_new_lists_encode_adopted_names_and_the_readme_block_grows_in_place(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = old_archive(tmp_path / "mirror")
    hostile = "articles/voa/1_a (b) javascript:x<img onerror=y>.md"
    _write(root, hostile, datetime(2025, 2, 1, tzinfo=UTC), "https://www.voachinese.com/a/1.html")
    sources = [
        Source("美国之音", "voa", server.url("/voa.xml")),
        Source("路透", "reuters", server.url("/reuters.xml")),
        Source("德国之声", "dw", server.url("/dw.xml")),
    ]
    make_archive(root, sources, monkeypatch)
    assert nm(root, "adopt", str(root)) == 0
    item = {
        "title": "新",
        "link": "https://www.voachinese.com/a/2.html",
        "pubDate": "Sun, 16 Feb 2025 02:00:00 GMT",
        "description": "<p>新。</p>",
    }
    server.route("/voa.xml", Reply(body=rss([item])))
    server.route("/reuters.xml", Reply(body=rss([{**item, "link": "https://r.com/a/3"}])))
    title, url, body = _publisher_markup(root / "articles/dw/1024207.md")
    edited = {"title": title, "link": url, "description": f"<![CDATA[{body}<p>更正。</p>]]>"}
    server.route("/dw.xml", Reply(body=rss([edited])))
    old_file = (root / "articles/dw/1024207.md").read_bytes()
    assert nm(root, "run") == 0

    listing = (root / "lists/美国之音.md").read_text(encoding="utf-8")
    assert "(/articles/voa/1_a%20%28b%29%20javascript:x%3Cimg%20onerror=y%3E.md)" in listing
    assert listing.index("2025/02/16") < listing.index("1008880.md")
    readme = (root / "README.md").read_text(encoding="utf-8")
    sample = (SAMPLE / "README.md").read_text(encoding="utf-8")
    block_end = "[自由亚洲电台](lists/自由亚洲电台.md)\n"
    assert readme == sample.replace(block_end, block_end + "\n[路透](lists/路透.md)\n")

    # A real change of an adopted article is an edit: the file says so, its old text is kept.
    assert "本文已修改" in (root / "articles/dw/1024207.md").read_text(encoding="utf-8")
    assert (root / "articles/dw/1024207.v1.md").read_bytes() == old_file


def test_images_already_on_the_proxy_are_never_wrapped_again() -> None:
    policy = ImagePolicy()
    for src in (
        "https://images.weserv.nl/?url=static.dw.com/image/1.jpg",
        "https://images.weserv.nl?url=static.dw.com/image/1.jpg",
        "http://images.weserv.nl/?url=static.dw.com/image/1.jpg",
        "//wsrv.nl/?url=https://static.dw.com/image/1.jpg",
        "https://wsrv.nl/?url=https%3A%2F%2Fstatic.dw.com%2Fimage%2F1.jpg",
        "https://images.weserv.nl?url=images.weserv.nl/?url=static.dw.com/image/1.jpg",
        "https://static.dw.com/image/1.jpg",
    ):
        assert policy.original(src) == "https://static.dw.com/image/1.jpg", src
        assert policy.rewrite(src) == "https://images.weserv.nl?url=static.dw.com/image/1.jpg"
    proxied = '<p>a</p><img src="https://images.weserv.nl/?url=static.dw.com/image/1.jpg">'
    original = '<p>a</p><img src="https://static.dw.com/image/1.jpg">'
    assert reading_hash("t", proxied, policy) == reading_hash("t", original, policy)


def test_quotes_keep_only_web_citations() -> None:
    html = '<blockquote cite="javascript:alert(1)">a</blockquote><q cite="https://a.org/">b</q>'
    assert sanitize(html) == '<blockquote>a</blockquote><q cite="https://a.org/">b</q>'


def test_a_folder_joins_the_configured_source_its_list_is_named_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old"
    day = datetime(2021, 12, 4, tzinfo=UTC)
    _write(old, "articles/voachinese/1008880.md", day, "https://www.voachinese.com/a/1.html")
    _write(old, "articles/voachinese/999.md", day, "https://e.com/x")
    (old / "articles/voachinese/999.md").write_text(
        "<!--999999999999999-->\n[x](https://e.com/x)\n------\n\n<p>x</p>\n", encoding="utf-8"
    )
    (old / "lists").mkdir()
    (old / "lists/美国之音.md").write_text(
        "美国之音\n------\n\n12-4 [x](/articles/voachinese/1008880.md)\n", encoding="utf-8"
    )
    voa = Source("美国之音", "voa", "https://www.voachinese.com/")
    root = make_archive(tmp_path / "new", [voa], monkeypatch)
    assert nm(root, "adopt", str(old)) == 0
    assert "adopted 2 articles" in capsys.readouterr().out  # a time past 9999 is no date
    assert 'abbr = "voachinese"' not in (root / "newsmirror.toml").read_text(encoding="utf-8")
    with Archive(root, write=False) as archive:
        assert archive.store.article_counts() == {"voa": 2}


@pytest.mark.parametrize(
    ("old", "size", "carried"),
    [
        (
            "L\n------\n\n1-1 [a](/articles/x/1.md)\n",
            5,
            "L\n------\n\nN\n\n1-1 [a](/articles/x/1.md)\n",
        ),
        ("L\n------\n\n1-1 [a](/articles/x/1.md)\n", 1, "L\n------\n\nN\n"),
        (
            "L\n------\n\n- 1-1 [a](articles/x/1.md)\n- 1-2 [b](articles/x/2.md)\n",
            2,
            "L\n------\n\n- N\n- 1-1 [a](articles/x/1.md)\n",
        ),
        (  # CRLF, bullets, no blank line between entries: the new entries are written alike
            "L\r\n\r\n* 1-1 [a](/articles/x/1.md)\r\n* 1-2 [b](/articles/x/2.md)\r\n",
            2,
            "L\r\n\r\n* N\r\n* 1-1 [a](/articles/x/1.md)\r\n",
        ),
        ("L\r\n------\r\n\r\n", 2, "L\r\n------\r\n\r\nN\r\n"),
        ("L\n------\n\n", 2, "L\n------\n\nN\n"),
        (
            "L\n------\n\n1-1 [a](/articles/x/1.md)\n\n\n[查看更多](/articles/x)",
            1,
            "L\n------\n\nN\n\n\n[查看更多](/articles/x)",
        ),
    ],
)
def test_old_lists_of_other_shapes_carry_on(old: str, size: int, carried: str) -> None:
    assert carry_on_list(old, [], 300) == old
    assert carry_on_list(old, ["N"], size) == carried


def test_environment_overrides_hold_after_adopt_adds_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_archive(tmp_path / "a", [], monkeypatch)
    monkeypatch.setenv("NEWSMIRROR_PUBLISH_COMMIT", "0")
    assert nm(root, "adopt", str(SAMPLE)) == 0
    assert git_log(root) == []  # the sources it added did not bring the file's settings back


GITHUB = "https://github.com/x/news/blob/master/articles/%E7%BE%8E%E5%9B%BD%E4%B9%8B%E9%9F%B3"


def test_other_archives_of_the_family_are_taken_as_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "mirror"
    files = {
        "articles/美国之音/0.md": "<!--1609459200000-->\n[零](https://a.org/0)\n------\n\n<p>零</p>\n",
        "articles/美国之音/2021/1_a b.md": (
            "\ufeff<!-- 1609459300000 -->\r\n[一 \\[x\\]](https://a.org/1)\r\n------\r\n\r\n"
            "<p>一</p>\r\n"
        ),
        "articles/Rfi News/5.md": "<!--1609459400000-->\n[五](https://a.org/5)\n---\n<p>五</p>",
        "lists/VOA.md": (
            f"VOA\n------\n\n- 1-1 [一]({GITHUB}/2021/1_a%20b.md)\n- 1-1 [零]({GITHUB}/0.md)\n"
        ),
        "README.md": "# 新闻\n\n- [VOA](/lists/VOA.md)\n\n## 其他\n",
    }
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(text.encode())
    make_archive(root, [], monkeypatch)
    assert nm(root, "adopt", str(root)) == 0
    out, err = capsys.readouterr()
    assert "adopted 3 articles" in out and "0 files skipped" in out
    assert "美国之音: added as a disabled source named 'VOA'" in err
    assert "Rfi News: added as a disabled source named 'Rfi News'" in err
    for part in (*OLD_FILES, ".newsmirror"):
        shutil.rmtree(root / part) if (root / part).is_dir() else (root / part).unlink()
    assert nm(root, "rebuild") == 0
    for path, text in files.items():
        assert (root / path).read_bytes() == text.encode(), path
    assert not (root / "lists/Rfi News.md").exists()


def test_an_archive_written_with_crlf_and_bullets_stays_so_and_carries_on(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lower-case folders with count-down names, lists and a README written on Windows (CRLF)
    with bullets, full links to the archive's host and sections of the owner's own."""
    root = tmp_path / "mirror"
    crlf = "\r\n"
    for n in (3, 2, 1):
        _write(root, f"articles/rfi/{n}.md", datetime(2021, 1, n, tzinfo=UTC), f"https://r.fr/{n}")
    entries = "".join(
        f"* 1-{n} [标题 {n}](https://github.com/x/news/blob/master/articles/rfi/{n}.md){crlf}"
        for n in (3, 2, 1)
    )
    files = {
        "lists/法广.md": f"# 法广{crlf}{crlf}{entries}",
        "README.md": f"# 镜像{crlf}{crlf}## 列表{crlf}{crlf}* [法广](lists/法广.md){crlf}{crlf}"
        f"## 说明{crlf}{crlf}本项目……{crlf}",
    }
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(text.encode())
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    before = files_of(root)
    make_archive(root, [Source("法广", "rfi", server.url("/rfi.xml"))], monkeypatch)
    assert nm(root, "adopt", str(root)) == 0
    assert files_of(root) == before  # the README's block was read, not added to

    new = {
        "title": "新文章",
        "link": "https://r.fr/a/new-4",
        "pubDate": "Mon, 04 Jan 2021 02:00:00 GMT",
        "description": "<p>新的正文。</p>",
    }
    server.route("/rfi.xml", Reply(body=rss([new])))
    assert nm(root, "run") == 0
    assert (root / "README.md").read_bytes() == files["README.md"].encode()
    listing = (root / "lists/法广.md").read_bytes().decode()
    top = f"* 1-4 [新文章](/articles/rfi/2021/01/04-new-4.md){crlf}"
    assert listing == f"# 法广{crlf}{crlf}{top}{entries}"


def test_an_adopted_article_whose_page_fails_is_not_fetched_again_at_every_run(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feed lists an adopted article with only a teaser: its page is fetched once to
    compare; when it cannot be, the archive keeps the full text it has and does not ask again
    while the feed's item stays the same (``recheck`` verifies old articles on request)."""
    root = tmp_path / "mirror"
    published = datetime.now(UTC) - timedelta(days=400)
    _write(root, "articles/Rfa/1000.md", published, server.url("/a/1"), "<p>全文。</p>" * 50)
    make_archive(root, [Source("自由亚洲", "Rfa", server.url("/rfa.xml"))], monkeypatch, "auto")
    assert nm(root, "adopt", str(root)) == 0
    teaser = {"title": "x", "link": server.url("/a/1"), "description": "<p>全文……</p>"}
    server.route("/rfa.xml", Reply(body=rss([teaser])))
    server.route("/a/1", Reply(404, b"not found"))
    before = (root / "articles/Rfa/1000.md").read_bytes()
    for _ in range(3):
        assert nm(root, "run", "--all") == 0
    assert server.hits("/a/1") == 1
    assert (root / "articles/Rfa/1000.md").read_bytes() == before


def test_a_readme_linking_its_lists_inline_by_reference_or_in_html_is_left_as_it_is(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = old_archive(tmp_path / "mirror")
    readme = (
        "# 新闻\n\n[BBC][1] · <a href='lists/%E5%BE%B7%E5%9B%BD%E4%B9%8B%E5%A3%B0.md'>德国之声</a>"
        "\n\n[1]: lists/BBC.md\n\n"
        "| 源 | 列表 |\n|---|---|\n| VOA | [美国之音](https://github.com/x/news/blob/master/lists/"
        "美国之音.md) |\n"
    )
    (root / "README.md").write_text(readme, encoding="utf-8")
    before = files_of(root)
    make_archive(root, [Source("路透", "reuters", server.url("/reuters.xml"))], monkeypatch)
    assert nm(root, "adopt", str(root)) == 0
    assert files_of(root) == before  # every list it has is linked already
    item = {"title": "新", "link": "https://r.com/a/3", "description": "<p>新。</p>"}
    server.route("/reuters.xml", Reply(body=rss([item])))
    assert nm(root, "run") == 0
    after = (root / "README.md").read_text(encoding="utf-8")
    assert after == readme + "\n[路透](lists/路透.md)\n\n"  # the one list it lacks, at the end


def test_adopted_articles_without_a_date_are_not_rechecked_on_schedule(
    server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose time is missing or implausible (<!--0-->) was in the old archive before it
    was adopted, however long: nothing says when, so no schedule of re-checks starts for it.
    Adopted two hours ago, it would otherwise be due its first look now."""
    root = tmp_path / "mirror"
    _write(root, "articles/Rfa/1.md", datetime(2021, 1, 1, tzinfo=UTC), server.url("/a/1"))
    text = (root / "articles/Rfa/1.md").read_text(encoding="utf-8")
    (root / "articles/Rfa/1.md").write_text("<!--0-->" + text.split("-->", 1)[1], "utf-8")
    make_archive(root, [Source("自由亚洲", "Rfa", server.url("/rfa.xml"))], monkeypatch)
    with Archive(root) as archive:
        assert adopt(archive, root, now=datetime.now(UTC) - timedelta(hours=2)).adopted == 1
    server.route("/rfa.xml", Reply(body=rss([])))
    server.route("/a/1", Reply(body=b"<html><body><p>x</p></body></html>"))
    assert nm(root, "run") == 0
    assert server.hits("/rfa.xml") == 1 and server.hits("/a/1") == 0


def test_a_file_time_in_seconds_is_taken_as_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "mirror"
    for name, stamp in (("2", "1609459200"), ("1", "1609459200000")):
        file = root / f"articles/voa/{name}.md"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(f"<!--{stamp}-->\n[标题{name}](https://a.org/{name})\n------\n\n<p>x</p>\n")
    make_archive(root, [], monkeypatch)
    assert nm(root, "adopt", str(root)) == 0
    capsys.readouterr()
    assert nm(root, "search", "--json", "标题") == 0
    published = {
        hit["path"]: hit["published"]
        for hit in map(json.loads, capsys.readouterr().out.splitlines())
    }
    assert published == {
        "articles/voa/2.md": "2021-01-01T00:00:00Z",  # seconds, as some forks wrote
        "articles/voa/1.md": "2021-01-01T00:00:00Z",  # milliseconds, as the old scripts did
    }


def test_names_that_are_not_utf8_or_hide_text_are_skipped_and_shown_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # File names are bytes: an old archive copied from another system may hold names that are
    # not UTF-8, or invisible characters that reverse what a terminal shows (U+202E).
    old = tmp_path / "old"
    day = datetime(2021, 1, 1, tzinfo=UTC)
    _write(old, "articles/ok/1.md", day, "https://x.org/1")
    _write(old, "articles/rev\u202eersed/1.md", day, "https://x.org/2")
    _write(old, "articles/zero\u200bwidth/1.md", day, "https://x.org/3")
    raw = os.fsencode(old)
    for name in (b"/articles/ok/bad\xff\xfe.md", b"/articles/f\xffolder/1.md", b"/lists/l\xff.md"):
        os.makedirs(os.path.dirname(raw + name), exist_ok=True)
        with open(raw + name, "wb") as file:
            file.write((old / "articles/ok/1.md").read_bytes())
    root = make_archive(tmp_path / "archive", [], monkeypatch)
    assert nm(root, "adopt", str(old)) == 0
    out, err = capsys.readouterr()
    assert "adopted 1 articles" in out and "5 files skipped" in out, out + err
    assert "articles/ok/bad\\udcff\\udcfe.md: its name is not UTF-8" in err
    assert "lists/l\\udcff.md: its name is not UTF-8" in err
    assert "articles/f\\udcffolder/1.md: the folder's name cannot name a source" in err
    assert "articles/rev\\u202eersed/1.md: the folder's name cannot name a source" in err
    assert "\u202e" not in err + out and "\u200b" not in err + out
    assert [p.name for p in (root / "articles").iterdir()] == ["ok"]
    assert nm(root, "status") == 0 and nm(root, "rebuild") == 0 and nm(root, "build") == 0


def test_control_characters_in_an_old_title_or_url_never_reach_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # An old file's title line with an escape sequence (clear the screen, a terminal hyperlink)
    # and a NUL: taken as a feed's title is, and its URL percent-encoded, whatever the door.
    old = tmp_path / "old"
    title = "Ti\x1b[2J\x1b]8;;https://evil.example/\x07tle\r\x00 end"
    (old / "articles/ok").mkdir(parents=True)
    (old / "articles/ok/1.md").write_text(
        f"<!--1609459200000-->\n[{title}](https://x.org/1\x1b[31m)\n------\n\n<p>x</p>\n",
        encoding="utf-8",
    )
    root = make_archive(tmp_path / "archive", [], monkeypatch)
    assert nm(root, "adopt", str(old)) == 0
    capfd.readouterr()
    for argv in (["show", "articles/ok/1.md"], ["search", "end"], ["changes"]):
        assert nm(root, *argv) == 0
        out, err = capfd.readouterr()
        assert not any(c in out + err for c in "\x1b\x07\x00\r"), (argv, out)
    (revision,) = [json.loads(p.read_text("utf-8")) for p in (root / "record").glob("*/*.jsonl")]
    assert revision["title"] == "Ti[2J]8;;https://evil.example/tle end"
    assert revision["url"] == "https://x.org/1%1B[31m"
    assert (old / "articles/ok/1.md").read_text(encoding="utf-8").count("\x1b") == 3  # as it was
