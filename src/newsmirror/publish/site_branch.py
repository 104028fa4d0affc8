"""The static site committed to a branch of the archive's repository (``gh-pages``, say).

The site folder is committed as the whole tree of the branch, through a separate index file,
so neither the archive's index nor its working tree is touched; an unchanged site adds no
commit.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from newsmirror.errors import PublishError
from newsmirror.publish.git import git
from newsmirror.publish.locks import clear_stale_locks

SITE_INDEX = ".newsmirror/site-index"


def commit_site(root: Path, site: Path, branch: str, message: str) -> bool:
    """Commit ``site`` as the tree of ``branch``; False when the branch had that tree already."""
    env = {**os.environ, "GIT_INDEX_FILE": str(root / SITE_INDEX)}
    clear_stale_locks(root, also=[root / f"{SITE_INDEX}.lock"])
    try:
        subprocess.run(
            ["git", f"--work-tree={site}", "add", "--all", "--force", "."],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )
        tree = subprocess.run(
            ["git", "write-tree"],
            cwd=root,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        ).stdout.strip()
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        raise PublishError(f"git could not stage the site in {site}: {error}") from None
    parent = git(
        root, "rev-parse", "--quiet", "--verify", f"refs/heads/{branch}^{{commit}}", check=False
    )
    parents = ["-p", parent.stdout.strip()] if parent.returncode == 0 else []
    if parents and git(root, "rev-parse", f"{parents[1]}^{{tree}}").stdout.strip() == tree:
        return False
    commit = git(root, "commit-tree", tree, *parents, "-m", message).stdout.strip()
    git(root, "update-ref", f"refs/heads/{branch}", commit)
    return True


def keep_out_of_commits(root: Path, site: Path) -> None:
    """A site built inside the archive is not part of it: the archive's commits leave it out
    (it goes to ``[publish] site_branch`` if anywhere). Unless git ignores it already (the
    default ``_site/`` is in the archive's .gitignore), it is listed in ``.git/info/exclude``,
    which is not committed either."""
    root, site = root.resolve(), site.resolve()
    if not site.is_relative_to(root) or site == root or not (root / ".git").is_dir():
        return
    folder = site.relative_to(root).as_posix() + "/"
    if git(root, "check-ignore", "-q", "--no-index", folder, check=False).returncode == 0:
        return
    exclude = root / ".git" / "info" / "exclude"
    exclude.parent.mkdir(exist_ok=True)
    existing = exclude.read_text(encoding="utf-8") if exclude.is_file() else ""
    if existing and not existing.endswith("\n"):
        existing += "\n"
    line = f"# the static site (newsmirror build --out)\n/{folder}\n"
    exclude.write_text(existing + line, encoding="utf-8")
