"""Article metadata from the page itself: JSON-LD first, then meta tags, then the markup.

JSON-LD and Open Graph are what publishers fill in for search engines and social sites, so they
are the most reliable; ``<h1>``/``<title>`` and ``<time>`` are fallbacks. Times are returned aware
and in UTC; a time written without a zone is read in the page's likely zone (UTC+8 for Chinese
pages, where most such times come from, else UTC), and a bare date is taken as midnight there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin

from lxml import etree

CHINA = timezone(timedelta(hours=8))
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Only words that mean "next page of this article": "Next" alone is usually the next story.
_NEXT_WORDS = re.compile(r"^\s*(下一?页|下頁|下一頁|next\s*page)\s*[>›»]*\s*$", re.I)
# Links that may be "next page" (rel=next, or a text _NEXT_WORDS may match), found in C.
_NEXT_CANDIDATES = etree.XPath(
    ".//a[@href][@rel='next' or contains(., '下')"
    " or contains(translate(., 'NEXT', 'next'), 'next')]"
)
_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "blogposting",
    "webpage",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "report",
}


@dataclass
class PageMeta:
    title: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    authors: list[str] = field(default_factory=list)
    image: str | None = None
    canonical: str | None = None
    next_page: str | None = None
    chinese: bool = False
    page_type: str = ""


def _strings(node: etree._Element) -> Iterator[str]:
    return (t for t in node.itertext() if isinstance(t, str))


def clean(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def parse_time(value: str | None, default_zone: timezone = UTC) -> datetime | None:
    """An ISO 8601-ish time (also ``2021-12-04 10:32``, ``2021/12/04``) as aware UTC."""
    text = clean(value)
    if not text:
        return None
    text = text.replace("/", "-").replace("Z", "+00:00").replace("z", "+00:00")
    text = re.sub(r"^(\d{4}-\d{1,2}-\d{1,2})\s+", r"\1T", text)
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # +0800 -> +08:00
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(.*)$", text)
    if match:  # zero-pad month and day, which fromisoformat requires
        year, month, day, rest = match.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}{rest}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            from email.utils import parsedate_to_datetime

            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if not 1990 <= moment.year <= 2100:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_zone)
    return moment.astimezone(UTC)


def _json_objects(tree: etree._Element) -> Iterator[dict[str, Any]]:
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack: list[Any] = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                yield item


def _type_of(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def _image_url(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _image_url(value.get("url") or value.get("contentUrl"))
    if isinstance(value, list) and value:
        return _image_url(value[0])
    return None


def _metas(tree: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content")
        if key and content and key not in found:
            found[key] = content.strip()
    return found


def _absolute(base: str | None, href: str | None) -> str | None:
    if not href or href.startswith(("data:", "javascript:")):
        return None
    href = href.strip()
    if base:
        try:
            return urljoin(base, href)
        except ValueError:
            return None
    return href if href.startswith(("http://", "https://")) else None


def read_metadata(tree: etree._Element, url: str | None) -> PageMeta:
    meta = PageMeta()
    metas = _metas(tree)
    root_lang = (tree.get("lang") or metas.get("language") or "").lower()
    title_el = tree.find(".//title")
    page_title = clean(title_el.text if title_el is not None else "")
    meta.chinese = root_lang.startswith("zh") or bool(_CJK.search(page_title))
    zone = CHINA if meta.chinese else UTC

    canonical = tree.find(".//link[@rel='canonical']")
    meta.canonical = _absolute(url, canonical.get("href") if canonical is not None else None)
    base = meta.canonical or url

    headline = published = updated = image = None
    authors: list[str] = []
    for item in _json_objects(tree):
        if not _type_of(item) & _ARTICLE_TYPES:
            continue
        meta.page_type = meta.page_type or next(iter(_type_of(item)))
        headline = headline or (
            item.get("headline") if isinstance(item.get("headline"), str) else None
        )
        published = published or item.get("datePublished")
        updated = updated or item.get("dateModified")
        image = image or _image_url(item.get("image"))
        authors = authors or _names(item.get("author"))

    h1 = tree.find(".//h1")
    meta.title = clean(
        # The headline as written: og:title and <title> often carry the site's name.
        headline
        or (" ".join(_strings(h1)) if h1 is not None else "")
        or metas.get("og:title")
        or page_title
    )
    meta.published = parse_time(
        published if isinstance(published, str) else None, zone
    ) or _first_time(
        metas,
        zone,
        "article:published_time",
        "og:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "dc.date",
        "dc.date.issued",
        "date",
        "sailthru.date",
        "parsely-pub-date",
    )
    meta.updated = parse_time(updated if isinstance(updated, str) else None, zone) or _first_time(
        metas, zone, "article:modified_time", "og:updated_time", "datemodified", "lastmod"
    )
    if meta.published is None:
        time_el = tree.find(".//time[@datetime]")
        if time_el is not None:
            meta.published = parse_time(time_el.get("datetime"), zone)
    if not authors:
        authors = [
            a
            for key in ("author", "article:author", "byl", "dc.creator")
            if (a := metas.get(key)) and not a.startswith("http")
        ][:1]
    meta.authors = _clean_authors(authors)
    meta.image = _absolute(
        base,
        image
        or metas.get("og:image")
        or metas.get("twitter:image")
        or metas.get("twitter:image:src"),
    )
    meta.next_page = _next_page(tree, base)
    return meta


def _first_time(metas: dict[str, str], zone: timezone, *keys: str) -> datetime | None:
    for key in keys:
        moment = parse_time(metas.get(key), zone)
        if moment is not None:
            return moment
    return None


def _clean_authors(names: list[str]) -> list[str]:
    seen: list[str] = []
    for raw in names:
        for name in re.split(r"\s*(?:;|\||、|,\s*and\s|\sand\s)\s*", raw):
            name = clean(re.sub(r"^(by|作者|记者|文)\s*[:：]?\s*", "", clean(name), flags=re.I))
            if name and len(name) <= 60 and name not in seen and not name.startswith("http"):
                seen.append(name)
    return seen


def _next_page(tree: etree._Element, base: str | None) -> str | None:
    link = tree.find(".//link[@rel='next']")
    if link is not None:
        return _absolute(base, link.get("href"))
    hits = _NEXT_CANDIDATES(tree)
    for anchor in hits if isinstance(hits, list) else []:
        if not isinstance(anchor, etree._Element):
            continue
        if anchor.get("rel") == "next" or _NEXT_WORDS.match("".join(_strings(anchor))):
            target = _absolute(base, anchor.get("href"))
            if target and target.split("#")[0] != (base or "").split("#")[0]:
                return target
    return None
