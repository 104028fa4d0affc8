"""The allow-list sanitizer (nh3) and the plain-text view of a body.

Bounded work. Nesting deeper than browsers build, and formatting misnested past a count, are
flattened first (``depth.limit_depth``), which keeps the parser's time linear in the body for
the shapes known to cost more. For whatever
other shape does, a large body (``CHILD_BYTES`` and up) is sanitized in a child process limited
to ``CPU_SECONDS`` of CPU: past that it is killed, and the body is recorded as ``TOO_COMPLEX``,
a notice in its place, instead of holding up the run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html import unescape

import nh3

from newsmirror.clean.depth import limit_depth

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
CHILD_BYTES = 1 << 20
CHILD = "newsmirror.clean.child"
CPU_SECONDS = 30
TOO_COMPLEX = (
    "<p>（正文结构过于复杂，超出处理时限，未能存档。"
    "The body was too complex to sanitize within its CPU budget and was not archived.）</p>"
)
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
# Control characters (C0 but tab, newline and carriage return; DEL; C1): no text has a use for
# them, and a NUL makes git take a mirror file for binary. Lone surrogates cannot be written as
# UTF-8 at all: each becomes U+FFFD, the rest of the text is kept.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def text_only(text: str) -> str:
    """``text`` without control characters, lone surrogates replaced."""
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub("", text))


# Bidi embeddings, overrides and isolates: in a one-line title or name they only serve to make a
# terminal or a list show text in an order other than its own (the marks LRM and RLM stay).
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]+")


def clean_line(text: str) -> str:
    """A title or a name: text only, on one line, white space folded, no bidi controls."""
    return " ".join(_BIDI_CONTROLS.sub("", text_only(text)).split())


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        return value if CAPTION_STYLE.fullmatch(value) else None
    if attribute == "target":
        return "_blank"
    if attribute == "cite":  # a quote's source is a link a reader may follow: http(s) only
        return value if re.match(r"\s*https?://", value, re.IGNORECASE) else None
    return value


def sanitize(html: str, base_url: str | None = None, cpu_seconds: int = CPU_SECONDS) -> str:
    """``html`` with only allowed tags and attributes, relative URLs made absolute; a large
    body that takes more than ``cpu_seconds`` of CPU is ``TOO_COMPLEX``."""
    if len(html) < CHILD_BYTES:
        return clean_html(html, base_url)
    try:
        done = subprocess.run(
            [sys.executable, "-m", CHILD, str(cpu_seconds), base_url or ""],
            input=html.encode("utf-8", "surrogatepass"),
            capture_output=True,
            timeout=cpu_seconds * 10,  # CPU time is the limit; this only guards the wait
            check=False,
        )
    except subprocess.TimeoutExpired:
        return TOO_COMPLEX
    if done.returncode != 0:  # killed at the CPU limit (or out of memory)
        return TOO_COMPLEX
    return done.stdout.decode("utf-8", "surrogatepass")


def clean_html(html: str, base_url: str | None) -> str:
    """``sanitize`` without the CPU limit."""
    return str(
        nh3.clean(
            limit_depth(text_only(html)),
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
