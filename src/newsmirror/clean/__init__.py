"""Sanitizing bodies and rewriting their URLs."""

from .images import ImagePolicy, map_image_sources
from .sanitize import flatten, plain_text, sanitize

__all__ = ["ImagePolicy", "flatten", "map_image_sources", "plain_text", "sanitize"]
