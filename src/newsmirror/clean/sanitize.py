"""The allow-list sanitizer (nh3) and the plain-text view of a body."""

from __future__ import annotations

import re
from html import unescape

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "target", "title"},
    "img": {"src", "alt", "width", "height"},
    "small": {"style"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start"},
}
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "form", "noscript", "template", "object"}
URL_SCHEMES = {"http", "https", "mailto"}

# The mirror format's caption colour is the only style kept; anything else could hide or
# overlay content.
CAPTION_STYLE = re.compile(r"\s*color:\s*#[0-9a-fA-F]{3,6}\s*;?\s*")
# Tags that end a line of text. Bodies reaching plain_text are sanitized (or mirror files),
# so a regular expression over tags is exact here and several times faster than a parse.
BLOCK_BOUNDARY = re.compile(
    r"<(?:/?(?:p|div|li|h[1-6]|blockquote|tr|figure|figcaption|pre|table|ul|ol|dl|dd|dt)\b"
    r"|br\b|hr\b)[^>]*>",
    re.IGNORECASE,
)
TAG = re.compile(r"<[^>]*>")


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        return value if CAPTION_STYLE.fullmatch(value) else None
    if attribute == "target":
        return "_blank"
    if attribute == "cite":  # a quote's source is a link a reader may follow: http(s) only
        return value if re.match(r"\s*https?://", value, re.IGNORECASE) else None
    return value


def sanitize(html: str, base_url: str | None = None) -> str:
    """``html`` with only allowed tags and attributes, relative URLs made absolute."""
    return str(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            clean_content_tags=DROPPED_WITH_CONTENT,
            attributes=ALLOWED_ATTRIBUTES,
            attribute_filter=_keep_attribute,
            link_rel=None,
            url_schemes=URL_SCHEMES,
            url_relative=("rewrite_with_base", base_url) if base_url else "deny",
        )
    )


def flatten(html: str) -> str:
    """Each line stripped of surrounding white space and all joined: the mirror's one-line body."""
    return "".join(line.strip() for line in html.splitlines())


def plain_text(html: str) -> str:
    """The readable text of a body: one line per block, white space folded."""
    text = unescape(TAG.sub("", BLOCK_BOUNDARY.sub("\n", html)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
