"""Adopting a large old archive: files per second and peak memory (``adopt`` then ``rebuild``).

The old archive is made of the sample's article files (tests/data/dm-archive), each copied under
a count-down name with its own URL and time, as the old scripts named them. The commit is left
out (git's own cost, the same for any tool).

    .venv/bin/python bench/adopt.py [FILES]
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from newsmirror.cli.main import main
from newsmirror.settings.configfile import init_archive

SAMPLE = Path(__file__).resolve().parents[1] / "tests/data/dm-archive/articles/dw"


def old_archive(root: Path, files: int) -> None:
    """``files`` article files in the old layout, 10 minutes apart, newest first by name."""
    models = [p.read_text(encoding="utf-8").split("\n") for p in sorted(SAMPLE.glob("*.md"))]
    folder = root / "articles/dw"
    folder.mkdir(parents=True)
    for n in range(files):
        lines = list(models[n % len(models)])
        lines[0] = f"<!--{1727243223000 - n * 600_000}-->"
        title, url = lines[1].rsplit("](", 1)
        lines[1] = f"{title}]({url.rsplit('/', 1)[0]}/a-{n})"
        (folder / f"{2_000_000 - n}.md").write_text("\n".join(lines), encoding="utf-8")


def timed(label: str, files: int, *args: str) -> None:
    started = time.perf_counter()
    assert main(list(args)) == 0
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label}: {files} files in {seconds:.1f} s, {files / seconds:.0f}/s, peak {peak:.0f} MB")


def run(files: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        old_archive(root, files)
        init_archive(root, ())
        os.environ["NEWSMIRROR_PUBLISH_COMMIT"] = "0"
        timed("adopt", files, "-C", str(root), "adopt", str(root))
        timed("rebuild", files, "-C", str(root), "rebuild")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
