"""Writing a file of the archive or of the site: atomically, only when its bytes change, and
never through a symbolic link out of the folder it belongs to."""

from __future__ import annotations

import os
from pathlib import Path

from newsmirror.errors import ArchiveError


def write_if_changed(
    path: Path, data: bytes, *, within: Path, new: bool = False, checked: set[Path] | None = None
) -> bool:
    """Write atomically (temporary file, then rename); True when the content changed.

    ``within``: the folder the file belongs to (the archive, the site). A path that resolves
    outside it, through a symbolic link anywhere below it (``articles/voa`` linked elsewhere),
    is refused with an ArchiveError naming it, before anything is written or made.

    The temporary name is fixed rather than random (mkstemp costs several times more per file
    on slow disks): only the holder of the archive lock writes projections. ``new``: the caller
    knows no file is there, so none is read, and the file is written in place (there is nothing
    to keep whole, and creating one file instead of two halves the cost on slow disks).
    ``checked``: folders found inside ``within`` by earlier calls of the same batch (a
    projection writes many files to few folders), each then followed to its end only once.
    """
    _check_within(path, within, set() if checked is None else checked)
    if new:
        _write_in(path, path, data)
        return True
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    temporary = path.with_name(f".tmp-{path.name}.part")
    try:
        _write_in(path, temporary, data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return True


def _check_within(path: Path, within: Path, checked: set[Path]) -> None:
    """ArchiveError when ``path`` (its links followed, as far as it exists) is outside
    ``within``: its folder is, or it is a link to outside. Folders found inside are added to
    ``checked``."""
    folder = path.parent
    if folder not in checked:
        if not folder.resolve().is_relative_to(within.resolve()):
            raise _outside(path, within)
        checked.add(folder)
    if path.is_symlink() and not path.resolve().is_relative_to(within.resolve()):
        raise _outside(path, within)


def _outside(path: Path, within: Path) -> ArchiveError:
    return ArchiveError(
        f"{path}: leads outside {within} through a symbolic link; nothing was written "
        "there (put a folder in place of the link)"
    )


def _write_in(path: Path, file: Path, data: bytes) -> None:
    """Write ``file`` beside ``path``, making their folder on the first file in it (only
    then, not every time)."""
    try:
        file.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
