"""The command line and the settings as an attacker or a careless operator gives them: every
wrong option or setting is one line on standard error and exit code 2, never a traceback.

The fixed cases are the ones a campaign found; the Hypothesis tests look for the next class."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive_helpers import make_archive, rss
from newsmirror.cli.main import main
from newsmirror.settings.config import SECTIONS, env_name
from newsmirror.settings.sources import Source
from server import LocalServer, Reply

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def cli(capfd: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of ``newsmirror ARGV``, in this process:
    an exception that escapes main() is the traceback a user would see, and fails the test."""
    try:
        code = main(list(argv))
    except SystemExit as done:  # argparse: --help, --version, usage errors
        code = done.code if isinstance(done.code, int) else 2
    out, err = capfd.readouterr()
    return code, out, err


def one_line_error(code: int, err: str) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("newsmirror"), err


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # where fuzzed relative paths (sources export -o X) land
    return make_archive(
        tmp_path / "a", [Source("A", "a", "http://127.0.0.1:9/feed.xml")], monkeypatch
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["changes", "--since", "2024-02-30"],
        ["changes", "--since", "99999999999d"],
        ["changes", "--since", "nan"],
        ["search", "x", "--since", "0000-01-01"],
        ["search", "x", "--limit", "-1"],
        ["extract", "--jobs", "-1", "nothing.html"],
        ["extract", "--jobs", "0", "nothing.html"],
        ["diff", "a", "-5"],
        ["diff", "a", "1"],  # one revision of the two
        ["diff", "a", "1", "2", "3"],
        ["sources", "add", "https://a.example/", "--no-fetch", "--abbr", "a\u202eb"],
        ["sources", "add", "", "--no-fetch"],
        ["sources", "add", "http://a.example/\x00", "--no-fetch"],
        ["sources", "add", "https://a.example/", "--no-fetch", "--name", "a\x00b"],
        ["sources", "add", "https://a.example/", "--no-fetch", "--abbr", "../x"],
        ["sources", "export", "-o", "/nonexistent-folder/sources.opml"],
        ["serve", "--host", "999.1.1.1"],
        ["serve", "--host", "a\x00b"],
        ["serve", "--port", "0"],
        ["serve", "--workers", "-2"],
        ["run", "--every", "0"],
        ["nosuchcommand"],
        ["show", "a\udcffb"],  # bytes that are not UTF-8 in the command line
        ["sources", "add", "https://a.example/", "--no-fetch", "--name", "\udcff"],
    ],
)
def test_each_bad_option_is_one_line_and_exit_2(
    root: Path, capfd: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, _, err = cli(capfd, "-C", str(root), *argv)
    one_line_error(code, err)


def test_init_on_a_file_is_one_line(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("not a folder")
    for target in ("file", "file/below"):
        code, _, err = cli(capfd, "init", str(tmp_path / target))
        one_line_error(code, err)
        assert target in err


def test_searches_and_changes_at_the_ends_of_the_calendar(
    root: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ["search", "x", "--until", "9999-12-31", "--since", "0001-01-01"],
        ["changes", "--since", "9999-12-31"],
        ["changes", "--since", "0001-01-01"],
        ["changes", "--since", "3650d"],
    ):
        code, _, err = cli(capfd, "-C", str(root), *argv)
        assert code == 0, err


@pytest.mark.parametrize(
    "table",
    [
        "[schedule]\ninterval = []\n",
        "[schedule]\ninterval = '99999999999w'\n",
        "[schedule]\njitter = 1e300\n",
        "[schedule]\njitter = nan\n",
        "[fetch]\ntimeout = nan\n",
        "[fetch]\nconnect_timeout = inf\n",
        "[fetch]\nconcurrency = 0\n",
        '[fetch]\nuser_agent = "a\\u0000b"\n',
        "[fetch]\nuser_agent = '新闻'\n",
        "[record]\nrecheck = ['1h', 'never']\n",
        "[mirror]\nimage_proxy = '{'\n",
        "[publish]\nremotes = ['--upload-pack=touch x']\n",
        "[publish]\nsite_branch = '-f'\n",
        "[[sources]]\nname = 'a/b'\nabbr = 'a'\nurl = 'https://a.example/'\n"
        "[[sources]]\nname = 'A_B'\nabbr = 'b'\nurl = 'https://b.example/'\n",
        "[[sources]]\nname = \"a\\u0000b\"\nabbr = 'a'\nurl = 'https://a.example/'\n",
        "[[sources]]\nname = 'A'\nabbr = 'a'\nurl = 'https://a.example/'\ninterval = []\n",
        "[[sources]]\nname = 'A'\nabbr = 'a'\nurl = 'https://a.example/'\ninterval = nan\n",
        "[[sources]]\nname = 'A'\nabbr = 'a'\nurl = ''\n",
        "[[sources]]\nname = 'A'\nabbr = 'a'\nurl = 'https://[::1/'\n",
    ],
)
def test_each_bad_setting_is_one_line_and_exit_2(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], table: str
) -> None:
    (tmp_path / "newsmirror.toml").write_text(table, encoding="utf-8")
    code, _, err = cli(capfd, "-C", str(tmp_path), "status")
    one_line_error(code, err)


# Text an attacker types: controls, Unicode, bytes that are not UTF-8, dates and numbers at the
# edges.
hostile_text = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["", "-1", "0", "nan", "inf", "9999-12-31", "0000-01-01", "2024-02-30",
                     "1e309", "99999999999999999999", "\x00", "../..", ".", "-", "--", "1h",
                     "\udcff", "a\udcffb"]),  # bytes that are not UTF-8, as Python gives them
)  # fmt: skip
OPTIONS: dict[str, list[str]] = {
    "status": [],
    "search": ["--since", "--until", "--limit", "--source", "--status"],
    "changes": ["--since"],
    "show": [],
    "diff": [],
    "sources list": [],
    "sources export": ["-o"],
    "sources add": ["--name", "--abbr", "--full-text"],
    "sources remove": [],
    "sources import": [],
}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(OPTIONS)))
    argv = command.split()
    for option in draw(st.lists(st.sampled_from(OPTIONS[command] or ["--"]), max_size=3)):
        argv += [option, draw(hostile_text)] if option != "--" else []
    argv += draw(st.lists(hostile_text, max_size=2))
    if command == "sources add":
        argv += ["--no-fetch"]  # the tests make no requests outside 127.0.0.1
    return argv


@FUZZ
@given(argv=command_lines())
def test_fuzzed_command_lines_never_crash(
    root: Path, capfd: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, _, err = cli(capfd, "-C", str(root), *argv)
    assert code in (0, 1, 2), err
    if code:
        assert len(err.strip().splitlines()) == 1, err


FIELDS = [
    (section, name, str(kind))
    for section, cls in SECTIONS.items()
    for name, kind in cls.__annotations__.items()
]
values = st.one_of(
    hostile_text,
    st.integers(min_value=0, max_value=100).map(str),  # valid more often than not
    st.floats(min_value=0, max_value=2).map(repr),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["true", "false", "1h", "30m", "0.5", ",", "a,b", "30m,nan"]),
)


@FUZZ
@given(chosen=st.dictionaries(st.sampled_from(FIELDS), values, min_size=1, max_size=2))
def test_fuzzed_settings_never_crash_a_run(
    server: LocalServer,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    chosen: dict[tuple[str, str, str], str],
) -> None:
    server.route("/feed.xml", Reply(body=rss([{"title": "T", "link": "https://x.example/1"}])))
    root = make_archive(
        tmp_path_factory.mktemp("fuzz") / "a", [Source("A", "a", server.url("/feed.xml"))],
        monkeypatch,
    )  # fmt: skip
    with monkeypatch.context() as patch:
        patch.setenv("NEWSMIRROR_PUBLISH_COMMIT", "0")  # git is tested elsewhere; keep it quick
        for (section, name, _), value in chosen.items():
            if "\x00" in value:
                continue  # no process can be given a NUL in its environment
            patch.setenv(env_name(section, name), value)
        for argv in (["run"], ["status"], ["search", "T"]):
            code, _, err = cli(capfd, "-C", str(root), *argv)
            assert code in (0, 1, 2), err
            if code == 2:
                assert len(err.strip().splitlines()) == 1, err
                break


toml_values = st.recursive(
    st.one_of(
        st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
        st.sampled_from(["nan", "inf", "-inf", "0.0", "1e308", "true", "false", "1979-05-27",
                         "07:32:00", "1979-05-27T07:32:00Z"]),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=10).map(
            lambda t: json.dumps(t, ensure_ascii=True)  # a valid TOML basic string
        ),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda v: "[" + ", ".join(v) + "]"),
        st.lists(st.tuples(st.sampled_from(["a", "b"]), inner), max_size=2).map(
            lambda v: "{" + ", ".join(f"{k} = {x}" for k, x in dict(v).items()) + "}"
        ),
    ),
    max_leaves=4,
)  # fmt: skip
SOURCE_KEYS = ["name", "abbr", "url", "interval", "enabled", "full_text"]


@FUZZ
@given(
    chosen=st.dictionaries(st.sampled_from(FIELDS), toml_values, max_size=3),
    source=st.dictionaries(st.sampled_from(SOURCE_KEYS), toml_values, max_size=6),
)
def test_fuzzed_settings_files_are_read_or_refused_in_one_line(
    tmp_path_factory: pytest.TempPathFactory,
    capfd: pytest.CaptureFixture[str],
    chosen: dict[tuple[str, str, str], str],
    source: dict[str, str],
) -> None:
    root = tmp_path_factory.mktemp("toml")
    tables: dict[str, list[str]] = {}
    for (section, name, _), value in chosen.items():
        tables.setdefault(section, []).append(f"{name} = {value}")
    text = "".join(f"[{section}]\n" + "\n".join(lines) + "\n" for section, lines in tables.items())
    text += "[[sources]]\n" + "".join(f"{key} = {value}\n" for key, value in source.items())
    (root / "newsmirror.toml").write_text(text, encoding="utf-8")
    code, _, err = cli(capfd, "-C", str(root), "status")
    assert code in (0, 1, 2), err
    if code:
        assert len(err.strip().splitlines()) == 1, err


def test_every_number_setting_has_a_finite_range() -> None:
    for cls in SECTIONS.values():
        for f in dataclasses.fields(cls):
            if f.type in ("int", "float"):
                low, high = f.metadata["range"]
                assert math.isfinite(low) and math.isfinite(high), f.name


def test_opml_outlines_cannot_forge_terminal_lines(
    root: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        '<outline type="rss" text="Fine" xmlUrl="https://fine.example/feed"/>'
        '<outline type="rss" text="x" xmlUrl="https://evil.example/&#10;newsmirror: forged"/>'
        '<outline type="rss" text="y" xmlUrl="https://evil2.example/&#13;&#9;tab"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    code, out, err = cli(capfd, "-C", str(root), "sources", "import", str(opml))
    assert code == 0 and "imported 1 of 3" in out
    lines = err.strip().splitlines()
    assert len(lines) == 2 and all("skipped" in line for line in lines), err
    assert "\\n" in lines[0] and "\\r\\t" in lines[1]


def test_names_and_titles_are_printed_as_they_are_never_as_terminal_markup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # Rich reads "[/x]" as a closing tag (an exception), "[link=…]" as a terminal hyperlink and
    # ":smile:" as an emoji: a feed's title or a source's name holding them is text all the same.
    hostile = "[/x] [link=javascript:alert(1)]go[/link] [bold]b[/bold] :smile:"
    with LocalServer() as server:
        server.route(
            "/feed.xml",
            Reply(
                body=rss([{"title": f"T {hostile}", "link": "https://e.example/1", "guid": "1"}])
            ),
        )
        root = make_archive(
            tmp_path / "a", [Source(hostile, "h", server.url("/feed.xml"))], monkeypatch
        )
        assert cli(capfd, "-C", str(root), "run")[0] == 0
    (path,) = [p.relative_to(root).as_posix() for p in (root / "articles").rglob("*.md")]
    for argv in (["show", path], ["search", "alert"], ["sources", "list"]):
        code, out, err = cli(capfd, "-C", str(root), *argv)
        assert code == 0 and not err, (argv, err)
        assert hostile in out, (argv, out)
    code, out, err = cli(capfd, "-C", str(root), "sources", "remove", "h")
    assert code == 0 and hostile in out, err
