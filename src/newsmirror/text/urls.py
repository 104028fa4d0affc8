"""URL normalization (WHATWG, via ada-url) and the identity key that deduplicates articles."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

import ada_url

# Query parameters that only track the reader; two URLs differing in them name one article.
TRACKING_PARAMETERS = re.compile(
    r"^(utm_\w*|fbclid|gclid|dclid|gclsrc|msclkid|mc_cid|mc_eid|yclid|igshid|_ga|_gl|"
    r"spm|ref_src|cmpid|ocid|at_\w+|wt\.\w+|s_cid|ncid|xtor)$",
    re.IGNORECASE,
)


def normalize_url(url: str, base: str | None = None) -> str | None:
    """The URL as the WHATWG standard serializes it, resolved against ``base``; None if invalid."""
    try:
        parsed = ada_url.URL(url.strip(), base) if base else ada_url.URL(url.strip())
    except ValueError:
        return None
    href: str = parsed.href
    return href


def is_http(url: str) -> bool:
    return url.startswith(("http://", "https://"))


def strip_tracking(url: str) -> str:
    """``url`` without tracking parameters and fragment; other parameters keep their order."""
    base, _, query = url.partition("?")
    query = query.split("#", 1)[0]
    base = base.split("#", 1)[0]
    if not query:
        return base
    kept = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if not TRACKING_PARAMETERS.match(k)
    ]
    return f"{base}?{urlencode(kept)}" if kept else base


def url_key(url: str) -> str:
    """The identity of an article URL: scheme, ``www.``, trailing slash and tracking ignored.

    ``https://www.voachinese.com/a/x.html?utm_source=rss`` and ``http://voachinese.com/a/x.html``
    give the same key.
    """
    normalized = normalize_url(url) or url.strip()
    stripped = strip_tracking(normalized)
    without_scheme = re.sub(r"^[a-z][a-z0-9+.-]*://", "", stripped)
    host, _, rest = without_scheme.partition("/")
    host = host.removeprefix("www.")
    path, question, query = rest.partition("?")
    path = path.rstrip("/")
    return f"{host}/{path}{question}{query}"
