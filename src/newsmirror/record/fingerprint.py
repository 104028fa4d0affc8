"""A content hash that ignores differences no reader would call an edit.

Ignored: white space (inside text and between tags), tracking parameters in links and image
URLs, and whether an image URL goes through the image proxy. The title counts.
"""

from __future__ import annotations

import hashlib
import re

from ..clean.images import ImagePolicy
from ..urls import strip_tracking

URL_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
VERSION = "v1"


def content_hash(title: str, html: str, policy: ImagePolicy) -> str:
    def canonical_url(match: re.Match[str]) -> str:
        url = match[2].replace("&amp;", "&")
        if match[1] == "src":
            url = policy.original(url)
        url = re.sub(r"^https?://", "//", strip_tracking(url))
        return f'{match[1]}="{url}"'

    body = URL_ATTRIBUTE.sub(canonical_url, html)
    body = re.sub(r">\s+<", "><", body)
    body = " ".join(body.split())
    digest = hashlib.sha256(f"{' '.join(title.split())}\x00{body}".encode()).hexdigest()
    return f"{VERSION}:{digest[:32]}"
