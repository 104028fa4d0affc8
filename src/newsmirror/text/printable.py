"""Names from outside (old archives' file names, feed titles) made safe to print on a terminal.

A file name may carry a newline, an escape sequence or a carriage return: printed raw, it could
forge a line of the report or drive the terminal. Such characters are shown as escapes instead.
"""

from __future__ import annotations

import re

# Characters that take no room on a terminal but reorder, hide or break the text around them:
# zero-width characters and joiners, bidi marks, embeddings, overrides and isolates, the line
# and paragraph separators, the byte-order mark (as a character class's ranges).
INVISIBLE = "\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
# Those, C0 and C1 controls, DEL, and the lone surrogates that stand for the bytes of a file name
# that is not UTF-8.
UNPRINTABLE = re.compile(f"[\x00-\x1f\x7f-\x9f{INVISIBLE}\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with every control character written as ``\\xNN`` or ``\\uNNNN``."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match[0])
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return UNPRINTABLE.sub(escape, text)
