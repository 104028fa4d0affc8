"""Sanitizing bodies and rewriting their URLs."""

from newsmirror.clean.images import ImagePolicy, map_image_sources
from newsmirror.clean.sanitize import clean_line, flatten, plain_text, sanitize, text_only

__all__ = [
    "ImagePolicy",
    "clean_line",
    "flatten",
    "map_image_sources",
    "plain_text",
    "sanitize",
    "text_only",
]
