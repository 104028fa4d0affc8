"""Names from outside (old archives' file names, feed titles) made safe to print on a terminal.

A file name may carry a newline, an escape sequence or a carriage return: printed raw, it could
forge a line of the report or drive the terminal. Such characters are shown as escapes instead.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the format and separator characters that reorder or break lines.
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character written as ``\\xNN`` or ``\\uNNNN``."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match[0])
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return UNPRINTABLE.sub(escape, text)
