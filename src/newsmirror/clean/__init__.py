"""Sanitizing bodies and rewriting their URLs."""

from .images import ImagePolicy, map_image_sources
from .sanitize import clean_line, flatten, plain_text, sanitize, text_only

__all__ = [
    "ImagePolicy",
    "clean_line",
    "flatten",
    "map_image_sources",
    "plain_text",
    "sanitize",
    "text_only",
]
