"""What the site tells crawlers: ``robots.txt`` and the sitemap."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import quote, urljoin

from newsmirror.render import paths
from newsmirror.store.model import Shelved


def robots_txt(base_url: str) -> bytes:
    """Everything allowed; the sitemap named where the site has a base URL."""
    named = f"Sitemap: {urljoin(base_url, 'sitemap.xml')}\n" if base_url else ""
    return f"User-agent: *\nAllow: /\n{named}".encode()


def sitemap(base_url: str, shelved: Sequence[Shelved]) -> bytes:
    """Every article page (the lists are reached from them and change hourly)."""
    # base_url ends in a slash and has no query: joining a path of the site is appending it.
    pages = [paths.HOME] + [paths.article_page(a.path) for a in shelved]
    urls = (base_url + quote(page) for page in pages)
    body = "".join(f"<url><loc>{escape(url)}</loc></url>\n" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{body}</urlset>\n"
    ).encode()
