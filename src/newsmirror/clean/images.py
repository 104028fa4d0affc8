"""Image URLs under the archive's image policy: proxied, or the publisher's original."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")', re.IGNORECASE)


@dataclass(frozen=True)
class ImagePolicy:
    """How ``<img src>`` is written: ``proxy`` through ``template``, or ``original``."""

    mode: str = "proxy"
    template: str = "https://images.weserv.nl?url={host}{path}"

    @property
    def proxy_prefix(self) -> str:
        """The part of every proxied URL before the original's host."""
        return self.template.split("{host}", 1)[0]

    def original(self, src: str) -> str:
        """The publisher's URL behind ``src``, which may already point at the proxy."""
        prefix = self.proxy_prefix
        if prefix and src.startswith(prefix):
            wrapped = src[len(prefix) :]
            if re.match(r"[\w.-]+\.[a-z]{2,}(:\d+)?/", wrapped, re.IGNORECASE):
                return "https://" + wrapped
        return src

    def rewrite(self, src: str) -> str:
        """``src`` as this policy writes it."""
        original = self.original(src)
        if self.mode != "proxy":
            return original
        if original is src and src.startswith(self.proxy_prefix):
            return src  # points at the proxy already but in a shape we cannot unwrap
        match = re.match(r"https?://([^/?#]+)(.*)", original, re.IGNORECASE)
        if not match:
            return original
        path = match[2] or "/"
        return self.template.replace("{host}", match[1]).replace("{path}", path)


def map_image_sources(body: str, change: Callable[[str], str]) -> str:
    """``body`` with every ``<img src>`` passed through ``change`` (sanitized HTML only)."""

    def replace(match: re.Match[str]) -> str:
        src = html.unescape(match[2])
        # html5ever, behind nh3, escapes only & and " in attribute values; do the same so an
        # unchanged URL is written back byte for byte.
        escaped = change(src).replace("&", "&amp;").replace('"', "&quot;")
        return match[1] + escaped + match[3]

    return IMG_SRC.sub(replace, body)
