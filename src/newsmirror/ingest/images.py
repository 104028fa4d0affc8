"""Image policy ``local``: each image downloaded once, kept by content hash inside the archive.

``images/{hh}/{sha256}.{ext}``, where the bytes must really be a raster image (sniffed from
their first bytes, whatever the server claims; SVG can carry scripts and is refused). Each
revision records which URL maps to which copy, so projection needs no network and an image
shared by many articles is stored and fetched once.

The work is bounded whatever a body holds: at most ``images_per_article`` images of an article
and ``images_per_run`` downloads in a run (an ``ImageBudget``); the others keep their original
URL and are counted as skipped.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from dataclasses import dataclass, replace

from newsmirror.archive.archive import Archive
from newsmirror.clean import ImagePolicy
from newsmirror.clean.images import IMG_SRC
from newsmirror.decide.items import Planned
from newsmirror.errors import FetchError
from newsmirror.fetch import Getter
from newsmirror.project.files import write_if_changed
from newsmirror.render.paths import image_path
from newsmirror.settings.config import MirrorSettings

IMAGE_ACCEPT = "image/avif, image/webp, image/png, image/jpeg, image/gif;q=0.9, */*;q=0.1"
RIFF_WEBP = re.compile(rb"RIFF....WEBP", re.DOTALL)


def sniff_raster(data: bytes) -> str | None:
    """The file extension for a raster image's bytes, or None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if RIFF_WEBP.match(data[:12]):
        return "webp"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "avif"
    return None


def image_urls(html: str, policy: ImagePolicy) -> list[str]:
    """The publisher's URL of every image in a sanitized body, in order, once each."""
    urls = (policy.original(match[2].replace("&amp;", "&")) for match in IMG_SRC.finditer(html))
    return list(dict.fromkeys(url for url in urls if url.startswith(("http://", "https://"))))


@dataclass
class ImageBudget:
    """How many images of one article may be copied, and how many downloads a run has left."""

    per_article: int
    left: int

    @classmethod
    def of(cls, settings: MirrorSettings) -> ImageBudget:
        return cls(settings.images_per_article, settings.images_per_run)


async def _download(archive: Archive, fetcher: Getter, url: str) -> str | None:
    """The archive path of ``url``'s copy, downloading it if needed; None if refused."""
    known = archive.store.image_file(url)
    if known and (archive.root / known).is_file():
        return known
    try:
        response = await fetcher.get(url, accept=IMAGE_ACCEPT)
    except FetchError:
        return None  # the article keeps the original URL; a later revision may try again
    data = response.content
    kind = sniff_raster(data)
    if kind is None or len(data) > archive.settings.mirror.image_max_bytes:
        return None
    digest = hashlib.sha256(data).hexdigest()
    path = image_path(digest, kind)
    write_if_changed(archive.root / path, data, within=archive.root)
    return path


async def localize_images(
    archive: Archive, fetcher: Getter, planned: list[Planned], budget: ImageBudget
) -> tuple[list[Planned], int]:
    """``planned`` with the local copy of each of its images noted on the candidate, and how
    many images were skipped, over the per-article cap or the run's ``budget``."""
    if archive.policy.mode != "local":
        return planned, 0
    skipped = 0
    wanted: dict[str, None] = {}
    for plan in planned:
        urls = image_urls(plan.candidate.html, archive.policy)
        skipped += max(0, len(urls) - budget.per_article)
        wanted.update(dict.fromkeys(urls[: budget.per_article]))
    fetched = []
    for url in wanted:
        known = archive.store.image_file(url)
        if known and (archive.root / known).is_file():
            fetched.append(url)  # kept already: no request
        elif budget.left > 0:
            budget.left -= 1
            fetched.append(url)
        else:
            skipped += 1
    tasks = {url: asyncio.ensure_future(_download(archive, fetcher, url)) for url in fetched}
    copies = {url: await task for url, task in tasks.items()}

    def with_images(plan: Planned) -> Planned:
        found = {url: copies.get(url) for url in image_urls(plan.candidate.html, archive.policy)}
        images = {url: path for url, path in found.items() if path}
        return replace(plan, candidate=replace(plan.candidate, images=images))

    return [with_images(plan) for plan in planned], skipped
