"""A content hash that ignores differences no reader would call an edit.

Ignored: white space (inside text and between tags), tracking parameters in links and image
URLs, whether an image URL goes through the image proxy, and relative timestamps ("3 minutes
ago", "3分钟前") that change with every fetch. The title counts.
"""

from __future__ import annotations

import hashlib
import re

from ..clean.images import ImagePolicy
from ..urls import strip_tracking

URL_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')
RELATIVE_TIME = re.compile(
    r"\b\d+\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b|"
    r"\d+\s*(秒|分钟|分鐘|小时|小時|天|周|週)前|刚刚|剛剛|just now",
    re.IGNORECASE,
)
VERSION = "v1"


def content_hash(title: str, html: str, policy: ImagePolicy) -> str:
    def canonical_url(match: re.Match[str]) -> str:
        url = match[2].replace("&amp;", "&")
        if match[1] == "src":
            url = policy.original(url)
        url = re.sub(r"^https?://", "//", strip_tracking(url))
        return f'{match[1]}="{url}"'

    body = RELATIVE_TIME.sub("", URL_ATTRIBUTE.sub(canonical_url, html))
    body = re.sub(r">\s+<", "><", body)
    body = " ".join(body.split())
    digest = hashlib.sha256(f"{' '.join(title.split())}\x00{body}".encode()).hexdigest()
    return f"{VERSION}:{digest[:32]}"
