"""A content hash that ignores differences no reader would call an edit.

Ignored: white space (inside text and between tags), tracking parameters in links and image
URLs, whether an image URL goes through the image proxy, and relative timestamps ("3 minutes
ago", "3分钟前") that change with every fetch. The title counts.
"""

from __future__ import annotations

import hashlib
import re
from html import unescape

from newsmirror.clean.images import ImagePolicy
from newsmirror.text.urls import strip_tracking

# ``\b(href|src)="..."``, led by its letters so that re skips to them (a pattern led by ``\b`` is
# tried at every character, five times slower); the boundary is checked behind the letter.
URL_ATTRIBUTE = re.compile(r'((?:h(?<=\bh)ref|s(?<=\bs)rc))="([^"]*)"')
RELATIVE_TIME = re.compile(
    r"\b\d+\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b|"
    r"\d+\s*(秒|分钟|分鐘|小时|小時|天|周|週)前|刚刚|剛剛|just now",
    re.IGNORECASE,
)
# What a match of RELATIVE_TIME holds: bodies without any of it (most) skip that regex, which is
# tried at every character. (casefold: IGNORECASE also matches "ſ" to "s".)
RELATIVE_UNIT = re.compile("[秒钟鐘时時天周週]前")
VERSION = "v1"
READING = "r1"
# The date line a mirror body opens with ("<div><i>Sat, 04 Dec 2021 …</i></div>"): the old
# scripts and newsmirror each write their own, so it is not part of what is compared.
DATE_LINE = re.compile(r"^\s*<div>\s*<i>[^<]*(?:<br\s*/?>[^<]*)*</i>\s*</div>", re.IGNORECASE)
IMG_SRC = re.compile(r'<img\b[^>]*?\bsrc="([^"]*)"', re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")


def content_hash(title: str, html: str, policy: ImagePolicy) -> str:
    def canonical_url(match: re.Match[str]) -> str:
        url = match[2].replace("&amp;", "&")
        if match[1] == "src":
            url = policy.original(url)
        url = re.sub(r"^https?://", "//", strip_tracking(url))
        return f'{match[1]}="{url}"'

    body = URL_ATTRIBUTE.sub(canonical_url, html)
    if _may_tell_time(body):
        body = RELATIVE_TIME.sub("", body)
    body = re.sub(r">\s+<", "><", body)
    body = " ".join(body.split())
    digest = hashlib.sha256(f"{' '.join(title.split())}\x00{body}".encode()).hexdigest()
    return f"{VERSION}:{digest[:32]}"


def _may_tell_time(body: str) -> bool:
    """Whether ``body`` has what a relative time is made of (else RELATIVE_TIME finds none)."""
    if "刚刚" in body or "剛剛" in body or RELATIVE_UNIT.search(body):
        return True
    folded = body.casefold()
    return "ago" in folded or "just now" in folded


def reading_hash(title: str, html: str, policy: ImagePolicy) -> str:
    """A hash of what a reader reads: the title, the text without its date line and with no
    white space at all, and the images by their original URL. Markup does not count, so an old
    mirror's rendering and the publisher's own markup of the same article hash alike."""
    body = DATE_LINE.sub("", html, count=1)
    images = [
        re.sub(r"^https?://", "//", strip_tracking(policy.original(unescape(src))))
        for src in IMG_SRC.findall(body)
    ]
    text = "".join(unescape(TAG.sub("", body)).split())
    content = "\x00".join(["".join(title.split()), text, *images])
    return f"{READING}:{hashlib.sha256(content.encode()).hexdigest()[:32]}"


def is_reading_hash(hash_: str) -> bool:
    return hash_.startswith(f"{READING}:")


def same_reading(known_hash: str, title: str, html: str, policy: ImagePolicy) -> bool:
    """Whether a body reads the same as the one behind ``known_hash``, when that is a reading
    hash (an adopted article's): markup-based hashes cannot be compared this way."""
    return is_reading_hash(known_hash) and reading_hash(title, html, policy) == known_hash
