"""The command line's help, and the README's table of commands, say everything there is."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

from newsmirror.cli.main import parser

README = Path(__file__).resolve().parents[2] / "README.md"
GROUPS = {"sources", "users", "db"}  # commands that are only a name for their actions
ACTIONS = ("list", "add", "remove", "import", "export", "password", "revoke", "upgrade")


def commands(
    top: argparse.ArgumentParser, words: tuple[str, ...] = ()
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """("run", its parser), ("sources add", its parser), ... for every command."""
    for action in top._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield " ".join((*words, name)), sub
                yield from commands(sub, (*words, name))


def options(command: argparse.ArgumentParser) -> list[list[str]]:
    """Each option's names (``-o``, ``--output``), longest first."""
    return [
        sorted(action.option_strings, key=len, reverse=True)
        for action in command._actions
        if action.option_strings and action.dest != "help"
    ]


def test_every_option_of_every_command_is_in_the_readme() -> None:
    rows: dict[str, str] = {}  # command -> the first cells of its rows
    for line in README.read_text(encoding="utf-8").splitlines():
        if found := re.match(r"\| `newsmirror ([a-z-]+(?: (" + "|".join(ACTIONS) + "))?)", line):
            rows[found[1]] = rows.get(found[1], "") + line.split("` |")[0]
    missing = [
        f"{name} {names[0]}"
        for name, command in commands(parser())
        if name not in GROUPS
        for names in options(command)
        if not any(re.search(f"{option}\\b", rows.get(name, "")) for option in names)
    ]
    assert missing == []
    assert {name for name, _ in commands(parser())} - GROUPS <= rows.keys()


def test_every_argument_has_a_description_and_an_upper_case_name() -> None:
    for name, command in commands(parser()):
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction) or action.dest == "help":
                continue
            assert action.help, f"{name} {action.dest}: no description"
            takes_value = action.nargs != 0 and not action.choices
            if takes_value:
                shown = action.metavar or action.dest.upper()
                assert str(shown) == str(shown).upper(), f"{name} {action.dest}: {shown}"
