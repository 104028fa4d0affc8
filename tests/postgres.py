"""A throwaway PostgreSQL cluster from the system's binaries, for tests and benchmarks.

``initdb`` into a temporary folder, ``pg_ctl start`` on a free loopback port with its unix socket
in the same folder, and everything removed again at ``stop``. PostgreSQL refuses to run as root:
as root the cluster runs as ``nobody`` (``runuser``), which owns the folder. Connections over the
socket are trusted; over TCP they need the password (scram), so tests can give a wrong one.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

import psycopg

USER = "newsmirror"
PASSWORD = "s3cret-test-password"
# Users that may run the server when this process is root (the first that exists).
UNPRIVILEGED = ("postgres", "nobody")


def bindir() -> Path:
    """Where initdb and pg_ctl are: ``pg_config --bindir`` (Debian's pg_config names the
    newest installed server), else the newest /usr/lib/postgresql/*/bin."""
    if pg_config := shutil.which("pg_config"):
        found = Path(
            subprocess.run([pg_config, "--bindir"], capture_output=True, text=True).stdout.strip()
        )
        if (found / "initdb").exists():
            return found
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3])
    )
    if candidates:
        return Path(candidates[-1]).parent
    if initdb := shutil.which("initdb"):
        return Path(initdb).parent
    raise RuntimeError("PostgreSQL's initdb is not installed: apt-get install postgresql")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _runner() -> list[str]:
    """The command prefix that runs the server's programs as a user PostgreSQL accepts."""
    if os.geteuid() != 0:
        return []
    for name in UNPRIVILEGED:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"]
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run as")


class LocalPostgres:
    """A running cluster; ``url(database)`` for the socket, ``tcp_url`` for TCP with a password."""

    def __init__(self, folder: Path | None = None, **settings: str) -> None:
        """``settings``: server settings beyond the defaults (``shared_buffers="512MB"``).
        ``folder``: a cluster kept there, made on the first start and started again on the next
        (benchmarks reuse what took long to build), or used as it is while another process
        runs it (and left running); by default a temporary one."""
        self.settings = settings
        self.bin = bindir()
        self.kept = folder is not None
        self.folder = folder or Path(tempfile.mkdtemp(prefix="newsmirror-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._names = itertools.count(1)
        self.runner = _runner()
        self.started = True
        if self.kept and (port := self._running_port()):
            self.port, self.started = port, False
            return
        try:
            self._start()
        except BaseException:
            if not self.kept:
                shutil.rmtree(self.folder, ignore_errors=True)
            raise

    def _start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._own(self.folder)
        if not (self.data / "PG_VERSION").exists():
            self._initdb()
        options = (
            f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        ) + "".join(f" -c {name}={value}" for name, value in self.settings.items())
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def _initdb(self) -> None:
        password_file = self.folder / "password"
        password_file.write_text(PASSWORD)
        self._own(password_file)
        self._run(
            "initdb", "-D", str(self.data), "-U", USER, "--pwfile", str(password_file),
            "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C",
            "--no-sync",
        )  # fmt: skip
        password_file.unlink()

    def _own(self, path: Path) -> None:
        """Give ``path`` to the user the server runs as."""
        if self.runner:
            owner = pwd.getpwnam(self.runner[2])
            os.chown(path, owner.pw_uid, owner.pw_gid)

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [*self.runner, str(self.bin / program), *args], capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stderr.strip() or done.stdout.strip()}")

    def url(self, database: str = "postgres") -> str:
        """The database over the unix socket (trusted: no password)."""
        return self.url_on(self.port, database)

    def url_on(self, port: int, database: str = "postgres") -> str:
        folder = quote(str(self.folder), safe="")
        return f"postgresql://{USER}@/{database}?host={folder}&port={port}"

    def tcp_url(self, database: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{quote(password, safe='')}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database; its name."""
        name = f"test_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def _running_port(self) -> int | None:
        """The port of the server running on ``data``, if one is (postmaster.pid's 4th line)."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return None
        try:
            port = int(pid_file.read_text().split("\n")[3])
            with psycopg.connect(self.url_on(port)):
                return port
        except (psycopg.Error, IndexError, ValueError):
            return None

    def stop(self) -> None:
        if not self.started:  # another process's
            return
        if self.kept:  # its data written out, to start from again
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            return
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> LocalPostgres:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
