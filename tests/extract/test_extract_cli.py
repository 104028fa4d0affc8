"""`newsmirror extract`: files, gzip, manifests and URLs to JSON Lines."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from server import LocalServer, Reply

PAGE = """<!DOCTYPE html><html lang="zh"><head><meta charset="{charset}"><title>标题</title></head>
<body><nav>首页 国际 财经</nav><article><h1>新闻标题</h1>
<p>这是文章的第一段，内容足够长，足以被识别为正文。中国和俄罗斯今年加强了政治、经济和军事方面的关系。</p>
<p>这是文章的第二段，同样包含足够的中文内容。两国都对西方越来越大的压力表示了不满。</p>
<p>这是文章的第三段。分析人士说，中俄冷战时代的猜忌有可能使双方的合作局限于非正式的行动。</p>
</article><footer>版权所有</footer></body></html>"""


def run(*args: str, stdin: str = "", cwd: Path | None = None) -> list[dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "newsmirror.cli.main", "extract", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"NEWSMIRROR_FETCH_ALLOW_PRIVATE_NETWORKS": "1", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_files_gzip_and_manifest(tmp_path: Path) -> None:
    plain = tmp_path / "a.html"
    plain.write_text(PAGE.format(charset="utf-8"), encoding="utf-8")
    packed = tmp_path / "b.html.gz"
    packed.write_bytes(gzip.compress(PAGE.format(charset="gbk").encode("gbk")))
    manifest = json.dumps({"path": "b.html.gz", "url": "https://example.com/b.html"})
    (tmp_path / "m.jsonl").write_text(manifest + "\n")
    results = run(str(plain), "--manifest", str(tmp_path / "m.jsonl"), cwd=tmp_path)
    assert [r["path"] for r in results] == [str(plain), str(tmp_path / "b.html.gz")]
    for result in results:
        assert result["status"] == "ok"
        assert "第二段" in str(result["text"]) and "版权所有" not in str(result["text"])
        assert set(result) == {
            "path",
            "url",
            "title",
            "published",
            "updated",
            "authors",
            "lead_image",
            "images",
            "html",
            "text",
            "status",
        }
    assert results[1]["url"] == "https://example.com/b.html"


def test_manifest_from_stdin_and_urls(server: LocalServer, tmp_path: Path) -> None:
    server.route(
        "/p.html",
        Reply(
            body=PAGE.format(charset="utf-8").encode(),
            headers={"Content-Type": "text/html; charset=utf-8"},
        ),
    )
    stdin = (
        json.dumps({"url": server.url("/p.html")})
        + "\n"
        + json.dumps({"url": server.url("/missing.html")})
        + "\n"
    )
    results = run("--manifest", "-", stdin=stdin, cwd=tmp_path)
    assert results[0]["status"] == "ok" and "第一段" in str(results[0]["text"])
    assert results[1]["status"].startswith("not fetched: HTTP 404")


def test_bad_inputs_get_a_status_not_a_crash(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"\x1f\x8bnot really gzip")
    results = run(str(empty), str(broken), str(tmp_path / "missing.html"))
    assert [r["status"] != "ok" for r in results] == [True, True, True]
    assert "cannot read" in str(results[2]["status"])
