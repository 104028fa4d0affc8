"""The files of an adopted archive that are not an article's own file, as recorded.

An old archive's lists, its README and extra copies of an article (two files with one URL) are
recorded as they were in ``record/adopted.jsonl`` (one JSON object a line, appended, the last
line for a path wins); the projection carries them on from there (``render.adopted_lists``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

ADOPTED_FILE = "record/adopted.jsonl"
LIST, README, COPY = "list", "readme", "copy"


@dataclass(frozen=True)
class AdoptedFile:
    path: str  # relative to the archive root
    kind: str  # LIST, README or COPY
    text: str
    source: str = ""  # the source whose list this is
    article: str = ""  # the article this file is a copy of


def read_adopted(root: Path) -> dict[str, AdoptedFile]:
    """Every adopted file by path (a line cut short by a crash is skipped)."""
    found: dict[str, AdoptedFile] = {}
    try:
        lines = (root / ADOPTED_FILE).read_bytes().splitlines()
    except FileNotFoundError:
        return found
    for line in lines:
        try:
            adopted = AdoptedFile(**json.loads(line))
        except (ValueError, TypeError):
            continue
        found[adopted.path] = adopted
    return found


def append_adopted(root: Path, files: Iterable[AdoptedFile]) -> None:
    """Record ``files`` durably with one write (after a torn line, on a line of their own)."""
    data = "".join(json.dumps(asdict(f), ensure_ascii=False) + "\n" for f in files).encode()
    if not data:
        return
    path = root / ADOPTED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        size = os.fstat(handle).st_size
        if size and os.pread(handle, 1, size - 1) != b"\n":
            data = b"\n" + data
        os.write(handle, data)
        os.fsync(handle)
    finally:
        os.close(handle)
