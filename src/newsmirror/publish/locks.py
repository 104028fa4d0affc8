"""Git's lock files (``index.lock``, ``HEAD.lock``, ``refs/heads/<branch>.lock``, any ``*.lock``)
left behind by a git that was killed: recovered from, never taken from a git that runs.

Git creates a lock with O_EXCL and removes it when done; one that outlives its process blocks
every later commit. Whether a git process still works in the repository is read from ``/proc``:
a live process whose name starts with ``git`` and whose working folder, command line or
environment names the repository as a whole path: the path itself or a path below it, never a
sibling whose name merely extends it (a git in ``/srv/mirror-old`` is no holder for
``/srv/mirror``). (A git child of this process, such as the run's own
``fast-import``, is passed as ``ignore``.) With no such process the locks found are stale and are
deleted: a git starting after the look cannot have taken them, as it cannot create a lock that
exists. With one, the locks are waited for, then reported by name. Without ``/proc`` there is
no safe way to tell, and the locks are reported by name.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Collection
from pathlib import Path

from newsmirror.errors import PublishError

log = logging.getLogger(__name__)

WAIT_SECONDS = 10.0  # how long a lock held by a running git is waited for
POLL_SECONDS = 0.1


def git_locks(root: Path, also: Collection[Path] = ()) -> list[Path]:
    """Every ``*.lock`` in the repository's git folder (the object folders aside: git locks
    nothing there that blocks a commit, and they hold most of the files), and those of ``also``
    (index files kept elsewhere) that exist."""
    git_dir = root / ".git"
    found = [lock for lock in also if lock.exists()]
    for folder, subfolders, names in os.walk(git_dir):
        if Path(folder) == git_dir:
            subfolders[:] = [name for name in subfolders if name != "objects"]
        found += [Path(folder) / name for name in names if name.endswith(".lock")]
    return sorted(found)


def _mentions(root: str) -> re.Pattern[bytes]:
    """``root`` as a whole path inside a NUL-separated ``cmdline`` or ``environ``: starting an
    argument or a value (after ``=``, or ``:`` in a path list) and ending the argument or
    followed by a separator (``/``, or ``:`` in a path list)."""
    return re.compile(rb"(?:^|[\0=:])" + re.escape(root.encode()) + rb"(?:$|[\0:/])")


def _names(pid: str, root: str) -> bool:
    """Whether process ``pid`` is a git working in the repository at ``root``."""
    proc = Path("/proc", pid)
    try:
        if not (proc / "comm").read_text().startswith("git"):
            return False
        cwd = os.readlink(proc / "cwd")
        if cwd == root or cwd.startswith(root + os.sep):
            return True
        mention = _mentions(root)
        return any(mention.search((proc / part).read_bytes()) for part in ("cmdline", "environ"))
    except OSError:  # gone, a zombie, or not ours to read: not a git at work here
        return False


def git_processes(root: Path, ignore: Collection[int] = ()) -> list[int] | None:
    """The live git processes working in ``root``; None when this system has no ``/proc``."""
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return None
    skip = {os.getpid(), *ignore}
    where = str(root.resolve())
    return [int(pid) for pid in pids if int(pid) not in skip and _names(pid, where)]


def clear_stale_locks(
    root: Path, ignore: Collection[int] = (), also: Collection[Path] = ()
) -> None:
    """Delete the locks of dead gits; wait for live ones; PublishError naming a lock still held.
    ``also``: lock files outside the git folder that gits of ours take."""
    deadline = time.monotonic() + WAIT_SECONDS
    waiting = False
    while locks := git_locks(root, also):
        holders = git_processes(root, ignore)
        if holders is None:
            raise PublishError(
                f"{locks[0]}: a git lock, and no /proc to tell whether a git still runs; "
                "remove the file if none does"
            )
        if not holders:
            for lock in locks:
                log.info("%s: left by a git that no longer runs; removed", lock)
                lock.unlink(missing_ok=True)
            return
        if time.monotonic() > deadline:
            raise PublishError(
                f"{locks[0]}: held by a running git (pid {holders[0]}); let it finish or end "
                "it, then run again"
            )
        if not waiting:
            log.info("%s: held by a running git (pid %d); waiting", locks[0], holders[0])
            waiting = True
        time.sleep(POLL_SECONDS)
