"""Naming rules, in one place: where each file of the archive and each page of the site lives.

The archive (the mirror files; their names never change once written):

    articles/{abbr}/{YYYY}/{MM}/{DD}-{slug}.md     an article, dated in ``[mirror] utc_offset``
    articles/.../{DD}-{slug}.v{n}.md               an earlier version of it, beside it
    lists/{NAME}.md                                a source's list (``config.list_stem``)
    images/{ab}/{sha256}.{ext}                     a local copy of an image (``image_path``)
    README.md                                      the lists linked

The site: every page is a file path ending in ``.html`` (or a feed's name), relative to the
site's root, and pages link to each other with relative URLs. So the same rendered page works
served by ``newsmirror serve``, on any static host under any sub-path, and opened from the file
system (``file://`` has no directory index, hence ``index.html`` spelled out).

    index.html, page/{n}.html                 latest articles of every source, then pages
                                              numbered from the oldest (they never shift)
    sources/{abbr}/index.html, .../page/{n}.html   the same for one source
    sources/{abbr}/{YYYY}/{MM}/{DD}.html      one source's articles of one day
    sources/{abbr}/days.html                  the days a source has articles
    articles/{abbr}/{YYYY}/{MM}/{DD}-{slug}.html   an article, beside its mirror file's path
    articles/.../{DD}-{slug}.v{n}.html        an earlier version of it
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from urllib.parse import quote

from newsmirror.settings.sources import list_stem

ARTICLES_DIR = "articles"
LISTS_DIR = "lists"
README_FILE = "README.md"
IMAGES_DIR = "images"
# A local image copy's path under IMAGES_DIR (``image_path``). Nothing else there is ever an
# image of ours.
IMAGE_FILE = re.compile(r"([0-9a-f]{2})/\1[0-9a-f]{62}\.(?:jpg|png|gif|webp|avif)")
SLUG_LIMIT = 64


def zone(utc_offset: str) -> timezone:
    """The time zone of ``[mirror] utc_offset`` (``+08:00``): article folders and list dates."""
    sign = -1 if utc_offset.startswith("-") else 1
    hours, minutes = utc_offset[1:].split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


# Last path segments that name a language, a script or a format of the article rather than the
# article: BBC's .../articles/c1ez1k4emn0t/simp, NYT's .../20241130/trump-china/zh-hant/.
_VARIANT = re.compile(
    r"(simp|trad|simplified|traditional|hans|hant|big5|gb|amp|print|index|default|zh|en"
    r"|zh-(cn|tw|hk|sg|mo|hans|hant)|en-(us|gb))",
    re.IGNORECASE,
)


def slug(url: str | None, fallback: str) -> str:
    """A file-name-safe stem from the URL's identifying part: its last path segment that is not
    a language or format variant, or ``fallback``."""
    if url:
        path = url.split("?", 1)[0].split("#", 1)[0].split("://", 1)[-1]
        for segment in reversed(path.split("/")[1:]):
            segment = re.sub(r"\.(s?html?|php|aspx?|jsp)$", "", segment, flags=re.IGNORECASE)
            if not segment or _VARIANT.fullmatch(segment):
                continue
            segment = re.sub(r"%[0-9A-Fa-f]{2}", "", segment)
            segment = re.sub(r"[^A-Za-z0-9_-]+", "-", segment).strip("-_").lower()[:SLUG_LIMIT]
            if len(segment) >= 3 and segment.strip("-_"):
                return segment.strip("-_")
            break
    return fallback


def article_path(
    abbr: str,
    url: str | None,
    article: str,
    moment: datetime,
    tz: timezone,
    taken: Callable[[str], bool],
) -> str:
    """``articles/{abbr}/{YYYY}/{MM}/{DD}-{slug}.md``: dated so names sort by time, unique."""
    local = moment.astimezone(tz)
    stem = f"{ARTICLES_DIR}/{abbr}/{local:%Y/%m/%d}-{slug(url, article[:12])}"
    path = f"{stem}.md"
    if taken(path):
        path = f"{stem}-{article[:8]}.md"
    return path


def version_path(path: str, rev: int) -> str:
    """Where an earlier version of an article is kept: beside it, ``{stem}.v{rev}.md``."""
    return f"{path.removesuffix('.md')}.v{rev}.md"


def image_path(digest: str, kind: str) -> str:
    """Where the local copy of an image is kept: by its content's sha256 (``digest``), with
    the extension its bytes show (``kind``)."""
    return f"{IMAGES_DIR}/{digest[:2]}/{digest}.{kind}"


def list_file(name: str) -> str:
    """``lists/{NAME}.md``, the name made safe as a file name where it is not already."""
    return f"{LISTS_DIR}/{list_stem(name)}.md"


HOME = "index.html"


def home_page(page: int | None = None) -> str:
    """The front page, or a numbered page (counted from the oldest: see views.ListPage)."""
    return HOME if page is None else f"page/{page}.html"


def source_page(abbr: str, page: int | None = None) -> str:
    return f"sources/{abbr}/index.html" if page is None else f"sources/{abbr}/page/{page}.html"


def days_page(abbr: str) -> str:
    return f"sources/{abbr}/days.html"


def day_page(abbr: str, day: date) -> str:
    return f"sources/{abbr}/{day:%Y/%m/%d}.html"


def article_page(mirror_path: str, rev: int | None = None) -> str:
    stem = mirror_path.removesuffix(".md")
    return f"{stem}.v{rev}.html" if rev else f"{stem}.html"


def feed_file(abbr: str | None, name: str) -> str:
    """A feed of one source, or of the whole archive (``abbr`` None)."""
    return f"sources/{abbr}/{name}" if abbr else name


def relative(target: str, current: str) -> str:
    """The URL of page ``target`` as written on page ``current``."""
    folder, _, name = target.rpartition("/")
    url = _climb(folder, current.rpartition("/")[0]) + name
    # quote() leaves these alone anyway, and most links are only these: skip its cost.
    return url if _UNQUOTED.fullmatch(url) else quote(url)


_UNQUOTED = re.compile(r"[A-Za-z0-9_.~/-]*")


@lru_cache(maxsize=4096)
def _climb(folder: str, here: str) -> str:
    """The relative path from folder ``here`` to ``folder`` ("" or ending in "/"); pages are
    rendered by the ten thousand, and posixpath.relpath asks the OS for the working folder."""
    to, start = folder.split("/") if folder else [], here.split("/") if here else []
    shared = 0
    while shared < min(len(to), len(start)) and to[shared] == start[shared]:
        shared += 1
    return "../" * (len(start) - shared) + "".join(f"{part}/" for part in to[shared:])


_ARTICLE = re.compile(r"(?P<stem>articles/.+?)(?:\.v(?P<rev>[0-9]{1,9}))?\.html")
_PAGES: list[tuple[str, re.Pattern[str]]] = [
    ("home", re.compile(r"(?:index\.html|page/(?P<page>[0-9]{1,9})\.html)")),
    (
        "source",
        re.compile(r"sources/(?P<abbr>[^/]+)/(?:index\.html|page/(?P<page>[0-9]{1,9})\.html)"),
    ),
    ("days", re.compile(r"sources/(?P<abbr>[^/]+)/days\.html")),
    ("day", re.compile(r"sources/(?P<abbr>[^/]+)/(?P<day>[0-9]{4}/[0-9]{2}/[0-9]{2})\.html")),
    ("article", _ARTICLE),
]


def is_latest_article(path: str) -> bool | None:
    """Whether ``path`` is the page of an article's latest version (False: of an earlier
    one; None: no article page). ``parse`` would say as much, a site's pages six times slower."""
    match = _ARTICLE.fullmatch(path)
    return None if match is None else match["rev"] is None


def parse(path: str) -> tuple[str, dict[str, str]] | None:
    """(kind, parts) of the page at ``path`` (the inverse of the functions above), or None."""
    for kind, pattern in _PAGES:
        match = pattern.fullmatch(path)
        if match:
            return kind, {key: value for key, value in match.groupdict().items() if value}
    return None
