"""The characters XML 1.0 cannot hold at all, not even escaped: C0 controls but tab, newline and
carriage return, lone surrogates, U+FFFE and U+FFFF. lxml refuses them, no reader could parse
them, and a lone surrogate cannot even be encoded as UTF-8."""

from __future__ import annotations

import re

_NOT_XML = re.compile(r"[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)
