"""The command line's edges: its parser and the types of its options (every option is checked
where it is read, and a wrong one is one line on standard error and exit code 2), the one place
logging is set up (``-v``, ``-q``), and the one place failures become that one line."""

from __future__ import annotations

import argparse
import errno
import logging
import re
import socket
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import NoReturn

from newsmirror.archive.archive import CACHE_DIR
from newsmirror.errors import ArchiveError, ConfigError
from newsmirror.settings.values import MAX_DURATION, parse_duration

OS_ADVICE = {
    errno.ENOSPC: "; free space and run again (what was recorded is kept)",
    errno.EDQUOT: "; free space and run again (what was recorded is kept)",
    errno.EROFS: "; this command writes to the archive: run it where the archive is writable",
    errno.EACCES: "; check the permissions of the archive's files",
}
OTHER_OS_ADVICE = "; check this file, then run again (-v shows where it failed)"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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
            where = f"cannot serve on {host}:{port}"
            if error.errno == errno.EADDRINUSE:
                raise ArchiveError(
                    f"{where}: the port is taken by another program; choose another with --port"
                ) from None
            raise ArchiveError(f"{where}: {error.strerror or error}") from None


def configure_logging(verbosity: int) -> None:
    """Diagnostics of the package's modules on standard error, each line starting with
    ``newsmirror``: warnings and errors only by default, so that a command prints what it always
    has; ``verbosity`` 1 (``-v``) adds what the work does, 2 (``-vv``) the details; -1 (``-q``)
    only errors."""
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    package = logging.getLogger("newsmirror")  # every module of the package
    for old in list(package.handlers):  # main() may run more than once in a process
        package.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("newsmirror %(levelname)s %(name)s: %(message)s"))
    package.addHandler(handler)
    package.setLevel(level)
    package.propagate = False  # the command line owns standard error


def one_line(text: str) -> str:
    """``text`` fit for one line of a terminal: control characters (newlines, escapes) written
    as ``\\n``, ``\\x1b``…, so that no name or URL in a message can forge a line or a colour."""
    return _CONTROL.sub(lambda match: repr(match[0])[1:-1], text)


def text_arguments(argv: Sequence[str]) -> list[str]:
    """``argv``, refused (ConfigError) when an argument holds bytes that are not UTF-8 (Python
    keeps them as lone surrogates) or a NUL, which no option, name or path can hold."""
    for argument in argv:
        if not argument.isascii() and re.search(r"[\ud800-\udfff]", argument):
            shown = argument.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise ConfigError(f"argument {shown}: not UTF-8 text")
        if "\0" in argument:  # only a caller of main() can pass one; no path or name holds it
            raise ConfigError(f"argument {argument!r}: holds a NUL")
    return list(argv)


def report_failure(error: Exception, root: Path) -> int:
    """Print ``error`` as one line on standard error; the exit code: 2 when the configuration
    or the command line is wrong, else 1."""
    if isinstance(error, OSError):  # the disk or the file system said no: name the file
        where = error.filename or root
        advice = OS_ADVICE.get(error.errno or 0, OTHER_OS_ADVICE)
        message = f"{where}: {error.strerror or error}{advice}"
    elif isinstance(error, sqlite3.Error):  # a fault no cache connection saw first
        message = (
            f"{root / CACHE_DIR}: a cache failed ({error}); delete its *.sqlite files and run "
            "again: they are rebuilt from the record"
        )
    else:
        message = str(error)
    sys.stderr.write(f"newsmirror: {one_line(message)}\n")
    return 2 if isinstance(error, ConfigError) else 1
