"""`init`, `sources ...`, settings from the file and the environment, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archive_helpers import make_archive, nm, rss
from newsmirror.settings.config import documented_settings, env_name, load_settings
from newsmirror.settings.configfile import DEFAULT_SOURCES, init_archive
from server import LocalServer, Reply

ROOT = Path(__file__).resolve().parents[2]


def test_init_writes_defaults_gitignore_and_git(tmp_path: Path) -> None:
    root = tmp_path / "b"
    assert nm(tmp_path, "init", str(root)) == 0
    settings = load_settings(root, env={})
    assert [s.abbr for s in settings.sources] == [s.abbr for s in DEFAULT_SOURCES]
    assert {"voa", "rfa", "bbc", "dw", "rfi", "nyt", "ft", "reuters", "cdt"} <= {
        s.abbr for s in settings.sources
    }
    assert ".newsmirror/" in (root / ".gitignore").read_text()
    assert (root / ".git").is_dir()
    assert settings.fetch.allow_private_networks is False
    assert nm(tmp_path, "init", str(root)) == 0  # again: left as it is


def test_every_setting_is_in_the_template_and_the_readme(tmp_path: Path) -> None:
    init_archive(tmp_path, ())
    template = (tmp_path / "newsmirror.toml").read_text()
    readme = (ROOT / "README.md").read_text()
    for section, key, _, _ in documented_settings():
        assert f"# {key} = " in template
        assert env_name(section, key) in readme, f"{env_name(section, key)} missing from README"


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    init_archive(tmp_path, ())
    env = {
        "NEWSMIRROR_FETCH_ALLOW_PRIVATE_NETWORKS": "1",
        "NEWSMIRROR_FETCH_CONCURRENCY": "3",
        "NEWSMIRROR_PUBLISH_REMOTES": "origin, backup",
        "NEWSMIRROR_SCHEDULE_INTERVAL": "30m",
    }
    settings = load_settings(tmp_path, env)
    assert settings.fetch.allow_private_networks is True
    assert settings.fetch.concurrency == 3
    assert settings.publish.remotes == ["origin", "backup"]
    assert settings.interval_seconds == 1800


@pytest.mark.parametrize(
    "content, message",
    [
        ("[fetch\n", "newsmirror.toml"),
        ("[fetch]\nconcurrency = 'many'\n", "[fetch] concurrency"),
        ("[fetch]\nspeed = 1\n", "unknown setting [fetch] speed"),
        ("[mirror]\nimage_policy = 'inline'\n", "image_policy"),
        ("[[sources]]\nname = 'A'\nabbr = 'A/B'\nurl = 'https://a.com/'\n", "abbr 'A/B'"),
        ("[[sources]]\nname = 'A'\nabbr = 'a'\nurl = 'ftp://a.com/'\n", "must start with http"),
        (
            "[[sources]]\nname = 'A'\nabbr = 'a'\nurl = 'https://a.com/'\n"
            "[[sources]]\nname = 'B'\nabbr = 'a'\nurl = 'https://b.com/'\n",
            "share the abbr 'a'",
        ),
    ],
)
def test_broken_config_is_one_clear_line(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "newsmirror.toml").write_text(content)
    done = subprocess.run(
        [sys.executable, "-m", "newsmirror.cli.main", "-C", str(tmp_path), "status"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_bad_environment_value_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    init_archive(tmp_path, ())
    monkeypatch.setenv("NEWSMIRROR_FETCH_TIMEOUT", "soon")
    assert nm(tmp_path, "status") == 2
    assert "NEWSMIRROR_FETCH_TIMEOUT" in capsys.readouterr().err


def test_sources_add_list_remove_with_discovery(
    server: LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = make_archive(tmp_path / "a", [], monkeypatch)
    server.route("/feed.xml", Reply(body=rss([], title="Example News")))
    page = (
        b'<html><head><link rel="alternate" type="application/rss+xml" '
        b'href="/feed.xml"></head><body>home</body></html>'
    )
    server.route("/", Reply(body=page, headers={"Content-Type": "text/html"}))
    assert nm(root, "sources", "add", server.url("/"), "--abbr", "ex") == 0
    assert nm(root, "sources", "list") == 0
    out = capsys.readouterr().out
    assert f"ex\tExample News\t{server.url('/feed.xml')}" in out
    assert nm(root, "sources", "add", server.url("/feed.xml"), "--abbr", "ex2") == 2
    assert "already the source 'ex'" in capsys.readouterr().err
    assert nm(root, "sources", "remove", "nope") == 2
    assert "unknown source 'nope'" in capsys.readouterr().err
    assert nm(root, "sources", "remove", "ex") == 0
    assert load_settings(root, env={}).sources == ()


def test_opml_export_then_import_round_trips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_archive(tmp_path / "a", list(DEFAULT_SOURCES[:3]), monkeypatch)
    opml = tmp_path / "sources.opml"
    assert nm(first, "sources", "export", "-o", str(opml)) == 0
    second = make_archive(tmp_path / "b", [], monkeypatch)
    assert nm(second, "sources", "import", str(opml)) == 0
    assert load_settings(second, env={}).sources == DEFAULT_SOURCES[:3]
    assert nm(second, "sources", "import", str(opml)) == 0  # nothing twice
    assert len(load_settings(second, env={}).sources) == 3


def test_unknown_source_and_missing_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_archive(tmp_path / "a", list(DEFAULT_SOURCES[:1]), monkeypatch)
    assert nm(root, "run", "--source", "zzz") == 2
    assert "unknown source 'zzz'" in capsys.readouterr().err
    assert nm(tmp_path / "nowhere", "status") != 0
    assert "newsmirror init" in capsys.readouterr().err
