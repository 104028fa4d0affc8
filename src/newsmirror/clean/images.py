"""Image URLs under the archive's image policy: proxied, or the publisher's original."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")', re.IGNORECASE)
# The public image proxy in every form old archives wrote it: images.weserv.nl or wsrv.nl,
# with or without a scheme, "?url=" or "/?url=".
KNOWN_PROXY = re.compile(r"(?:https?:)?//(?:images\.weserv\.nl|wsrv\.nl)/?\?url=", re.IGNORECASE)
WRAPPED_HOST = re.compile(r"[\w.-]+\.[a-z]{2,}(:\d+)?(/|$)", re.IGNORECASE)


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
        """The publisher's URL behind ``src``, which may already point at the proxy (this
        archive's template, or the public proxy in any of its forms, wrapped more than once)."""
        while (wrapped := self._unwrap(src)) is not None:
            src = wrapped
        return src

    def _unwrap(self, src: str) -> str | None:
        prefix = self.proxy_prefix
        if prefix and src.startswith(prefix):
            inner = src[len(prefix) :]
        elif known := KNOWN_PROXY.match(src):
            inner = src[known.end() :]
        else:
            return None
        if re.match(r"https?%3A", inner, re.IGNORECASE):
            inner = unquote(inner)
        inner = re.sub(r"^ssl:", "https://", inner, flags=re.IGNORECASE)
        if re.match(r"https?://", inner, re.IGNORECASE):
            return inner
        return "https://" + inner if WRAPPED_HOST.match(inner) else None

    def rewrite(self, src: str) -> str:
        """``src`` as this policy writes it."""
        original = self.original(src)
        if self.mode != "proxy":
            return original
        if original is src and (src.startswith(self.proxy_prefix) or KNOWN_PROXY.match(src)):
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
