"""Full-text search over the record, Chinese-aware: see ``text`` (terms) and ``index`` (ranking)."""

from newsmirror.search.index import SearchIndex
from newsmirror.search.model import Hit, SearchPage, SearchQuery, hit_json, marked_html, plain
from newsmirror.search.query import parse_query

__all__ = [
    "Hit",
    "SearchIndex",
    "SearchPage",
    "SearchQuery",
    "hit_json",
    "marked_html",
    "parse_query",
    "plain",
]
