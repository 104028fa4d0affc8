"""The static site as a use-case (``newsmirror build``): built, committed to its branch,
pushed."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from newsmirror.archive.archive import Archive
from newsmirror.project.site import Built, build, check_base_url
from newsmirror.publish.git import PushResult, push
from newsmirror.publish.site_branch import commit_site, keep_out_of_commits

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteBuild:
    """What a build did."""

    out: Path
    built: Built
    seconds: float
    base_url: str
    branch: str  # the site's branch ("" when none is configured)
    committed: bool = False  # to ``branch``
    pushes: list[PushResult] = field(default_factory=list)
    no_branch: bool = False  # a push was asked for, and no site branch is configured


def build_site(
    root: Path,
    out: Path | None = None,
    base_url: str | None = None,
    *,
    search: bool = True,
    push_after: bool = False,
) -> SiteBuild:
    """Build the site of the archive at ``root`` into ``out`` (default: ``[publish] site_dir``)
    for ``base_url`` (default: ``[publish] site_url``), waiting for a pass that holds the
    archive; commit it to ``[publish] site_branch`` if set, and push that branch if asked."""
    with Archive(root, wait=True) as archive:
        publish = archive.settings.publish
        out = out or archive.root / publish.site_dir
        if base_url is not None:
            base_url = check_base_url(base_url, "--base-url")
        else:
            base_url = check_base_url(publish.site_url, "[publish] site_url")
        started = time.perf_counter()
        built = build(archive, out, base_url, search=search)
        # While the build holds the archive's lock no run can commit: listed in time.
        keep_out_of_commits(archive.root, out)
        seconds = time.perf_counter() - started
        log.info("built %s in %.2f s", out, seconds)
        branch = publish.site_branch
        committed = bool(branch) and commit_site(archive.root, out, branch, "Site: rebuilt")
        pushes = (
            push(archive.root, publish.remotes, branch, branch) if branch and push_after else []
        )
    return SiteBuild(
        out,
        built,
        seconds,
        base_url,
        branch,
        committed,
        pushes,
        no_branch=push_after and not branch,
    )
