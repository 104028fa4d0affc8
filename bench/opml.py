"""OPML import benchmark: ``sources import`` of 2,500, 5,000 and 10,000 outlines.

    python bench/opml.py [--sizes 2500,5000,10000]

Each size is imported into a new archive by ``newsmirror sources import`` in a child process,
once with every feed on its own host and once with every feed on one host (the abbreviations
then all derive from one name). The time should grow in proportion to the outlines: the
seconds per 1,000 outlines are printed beside each time. Asserts nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def opml(count: int, one_host: bool) -> str:
    outlines = "".join(
        f'<outline type="rss" text="Feed {i}" '
        f'xmlUrl="https://{"one" if one_host else f"h{i}"}.example/{i}.xml"/>'
        for i in range(count)
    )
    return f'<?xml version="1.0"?><opml version="2.0"><head/><body>{outlines}</body></opml>'


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", default="2500,5000,10000")
    sizes = [int(n) for n in options.parse_args().sizes.split(",")]
    command = [sys.executable, "-m", "newsmirror.cli.main"]
    print(f"{'outlines':>9} {'hosts':>6} {'seconds':>8} {'s/1000':>7}")
    for one_host in (False, True):
        for count in sizes:
            with tempfile.TemporaryDirectory() as folder:
                root, source = Path(folder) / "archive", Path(folder) / "feeds.opml"
                source.write_text(opml(count, one_host), encoding="utf-8")
                subprocess.run([*command, "init", str(root)], check=True, capture_output=True)
                started = time.perf_counter()
                subprocess.run(
                    [*command, "-C", str(root), "sources", "import", str(source)],
                    check=True,
                    capture_output=True,
                )
                seconds = time.perf_counter() - started
            hosts = "one" if one_host else "many"
            print(f"{count:>9} {hosts:>6} {seconds:>8.2f} {seconds / count * 1000:>7.2f}")


if __name__ == "__main__":
    main()
