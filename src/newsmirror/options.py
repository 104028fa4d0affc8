"""The command line's parser and the types of its options: every option is checked where it is
read, and a wrong one is one line on standard error and exit code 2."""

from __future__ import annotations

import argparse
import re
import socket
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import NoReturn

from .config import MAX_DURATION, parse_duration
from .errors import ArchiveError, ConfigError


class Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (no usage block): ``newsmirror search: error: …``."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {' '.join(message.split())}\n")
        sys.exit(2)


def whole(low: int, high: int) -> Callable[[str], int]:
    """An option's type: a whole number from ``low`` to ``high``."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"give a number from {low} to {high}, got {text!r}")
        return value

    convert.__name__ = "number"
    return convert


def since(text: str, option: str = "--since") -> datetime:
    """A moment from a duration ago (``7d``) or a day (``YYYY-MM-DD``, its start in UTC)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ConfigError(f"{option}: {text!r} is not a date; give YYYY-MM-DD") from None
        return datetime.combine(day, datetime.min.time(), UTC)
    seconds = parse_duration(text, option)  # at most MAX_DURATION: always inside the calendar
    assert seconds <= MAX_DURATION
    return datetime.now(UTC) - timedelta(seconds=seconds)


def check_listen(host: str, port: int) -> None:
    """Refuse, in one line, an address the server could not listen on (before it starts and
    logs its own lines)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ConfigError(f"--host {host!r}: not an address to listen on ({reason})") from None
    family, kind, proto, _, address = found[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise ArchiveError(f"cannot serve on {host}:{port}: {error.strerror}") from None
