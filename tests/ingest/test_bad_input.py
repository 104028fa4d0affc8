"""Bad input through a real run: one line naming the source and cause, nothing else affected."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archive_helpers import articles, make_archive, nm, rss
from newsmirror.archive.archive import Archive
from newsmirror.settings.sources import Source
from server import LocalServer, Reply

GOOD = rss([{"title": "Fine", "link": "https://ok.example.com/1.html", "description": "<p>ok</p>"}])

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title><item><title>&lol3;</title>
<link>https://x.example.com/1</link></item></channel></rss>"""


def external_entity(secret: Path) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title>'
        "<link>https://x.example.com/2</link></item></channel></rss>"
    ).encode()


def run_with(server: LocalServer, root: Path, bad: Reply) -> str:
    server.route("/bad.xml", bad)
    server.route("/good.xml", Reply(body=GOOD))
    done = subprocess.run(
        [sys.executable, "-m", "newsmirror.cli.main", "-C", str(root), "run"],
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode == 0
    assert any("/good/" in path for path in articles(root))
    assert not [ln for ln in done.stdout.splitlines() if ln.startswith("bad:")]
    (line,) = [ln for ln in done.stderr.splitlines() if ln.startswith("bad:")]  # an error
    return line


@pytest.fixture
def root(server: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_archive(
        tmp_path / "a",
        [
            Source("Bad", "bad", server.url("/bad.xml")),
            Source("Good", "good", server.url("/good.xml")),
        ],
        monkeypatch,
    )


@pytest.mark.parametrize(
    "reply, cause",
    [
        (Reply(503), "HTTP 503"),
        (Reply(403), "HTTP 403"),
        (Reply(body=b"plain words, no feed", headers={"Content-Type": "text/plain"}), "bad.xml"),
        (
            Reply(
                body=b"<rss version='2.0'><channel><title>x</title><item><title>cut",
                headers={"Content-Type": "application/rss+xml"},
            ),
            "bad.xml",
        ),
        (Reply(body=BOMB), "entit"),
        (Reply(body=GOOD, delay=3), "bad.xml"),
    ],
)
def test_each_bad_feed_is_one_line_and_harms_nothing(
    server: LocalServer, root: Path, monkeypatch: pytest.MonkeyPatch, reply: Reply, cause: str
) -> None:
    monkeypatch.setenv("NEWSMIRROR_FETCH_TIMEOUT", "1")
    monkeypatch.setenv("NEWSMIRROR_FETCH_RETRIES", "0")
    line = run_with(server, root, reply)
    assert line.startswith("bad: failed: ") and cause in line
    with Archive(root, write=False) as archive:
        state = archive.store.source_state("bad")
    assert state.errors == 1 and state.last_error and cause in state.last_error


def test_external_entity_is_refused_and_never_read(
    server: LocalServer, root: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    line = run_with(server, root, Reply(body=external_entity(secret)))
    assert "entit" in line
    everything = "".join(
        p.read_text(errors="replace")
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.parts
    )
    assert "TOP-SECRET-VALUE" not in everything


def test_unreachable_host_is_a_source_error(
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    server: LocalServer,
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server.route("/good.xml", Reply(body=GOOD))
    (root / "newsmirror.toml").write_text(
        (root / "newsmirror.toml")
        .read_text()
        .replace(server.url("/bad.xml"), f"http://127.0.0.1:{port}/feed")
    )
    assert nm(root, "run") == 0
    assert f"bad: failed: http://127.0.0.1:{port}/feed:" in capsys.readouterr().err


@pytest.mark.parametrize("encoding, label", [("gbk", "utf-8"), ("big5", "utf-8"), ("utf-8", "gbk")])
def test_mislabelled_encodings_are_read_right(
    server: LocalServer, root: Path, encoding: str, label: str
) -> None:
    title = "臺灣選舉結果公布" if encoding == "big5" else "中国经济数据公布"
    body = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<item><title>{title}</title><link>https://x.example.com/enc</link>"
        f"<description>&lt;p&gt;{title}。&lt;/p&gt;</description></item></channel></rss>"
    )
    server.route(
        "/bad.xml",
        Reply(
            body=body.encode(encoding),
            headers={"Content-Type": f"application/rss+xml; charset={label}"},
        ),
    )
    server.route("/good.xml", Reply(body=GOOD))
    assert nm(root, "run") == 0
    (text,) = [t for p, t in articles(root).items() if "/bad/" in p]
    assert f"[{title}](https://x.example.com/enc)" in text and f"<p>{title}。</p>" in text


def test_awkward_items_are_recorded_safely(server: LocalServer, root: Path) -> None:
    items = [
        {"title": "no link, no date", "guid": "g-1", "description": "<p>guid only</p>"},
        {
            "title": "[brackets] / slashes / .. " + "长" * 300,
            "link": "https://x.example.com/a/../../etc/passwd",
            "description": "<p>x</p>",
        },
        {
            "title": "",
            "link": "https://x.example.com/untitled.html",
            "description": "<p>Untitled body text here</p>",
        },
    ]
    server.route("/bad.xml", Reply(body=rss(items)))
    server.route("/good.xml", Reply(body=GOOD))
    assert nm(root, "run") == 0
    files = {p: t for p, t in articles(root).items() if "/bad/" in p}
    assert len(files) == 3
    for path in files:
        assert path.startswith("articles/bad/") and ".." not in path
        assert all(len(part.encode()) <= 255 for part in path.split("/"))
    texts = "\n".join(files.values())
    assert "[\\[brackets\\] / slashes / .. 长" in texts
    assert "[Untitled body text here](https://x.example.com/untitled.html)" in texts
    assert "[no link, no date]()" in texts
