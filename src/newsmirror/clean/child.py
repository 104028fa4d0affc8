"""The child process that ``sanitize`` hands a large body to: ``python -m newsmirror.clean.child
SECONDS BASE_URL`` reads the body from standard input and writes it sanitized to standard output,
in ``SECONDS`` of CPU at most (past them the kernel ends the process)."""

from __future__ import annotations

import resource
import sys

from newsmirror.clean.sanitize import clean_html


def main(seconds: int, base_url: str | None) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    html = sys.stdin.buffer.read().decode("utf-8", "surrogatepass")
    sys.stdout.buffer.write(clean_html(html, base_url).encode("utf-8", "surrogatepass"))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2] or None)
