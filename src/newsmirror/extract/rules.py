"""Per-site extraction rules, kept as data in ``rules.toml`` next to this module.

A rule names host suffixes and XPath selectors: ``body`` (the article container; the first that
matches wins), ``caption`` (caption elements relative to an image's container), ``lead_image``
(an <img> or element with the lead picture), ``drop`` (boilerplate removed before extraction).
Adding a site means adding a table to the file, not code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SiteRule:
    name: str
    hosts: tuple[str, ...]
    body: tuple[str, ...] = ()
    caption: tuple[str, ...] = ()
    lead_image: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()


EMPTY = SiteRule(name="", hosts=())


@dataclass(frozen=True)
class Furniture:
    """Page furniture on every site: what ends an article, what is dropped wherever it is."""

    end: re.Pattern[str] | None
    drop: re.Pattern[str] | None
    disclaimer: re.Pattern[str] | None = None


def _alternatives(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


@cache
def furniture(text: str | None = None) -> Furniture:
    data = tomllib.loads(text if text is not None else _rules_text()).get("generic", {})
    return Furniture(
        _alternatives(data.get("end_markers", [])),
        _alternatives(data.get("drop_lines", [])),
        _alternatives(data.get("disclaimers", [])),
    )


def _rules_text() -> str:
    return resources.files("newsmirror.extract").joinpath("rules.toml").read_text("utf-8")


@cache
def load_rules(text: str | None = None) -> tuple[SiteRule, ...]:
    data = tomllib.loads(text if text is not None else _rules_text())
    rules = []
    for site in data.get("site", []):
        rules.append(
            SiteRule(
                name=str(site.get("name", "")),
                hosts=tuple(h.lower() for h in site.get("hosts", [])),
                body=tuple(site.get("body", [])),
                caption=tuple(site.get("caption", [])),
                lead_image=tuple(site.get("lead_image", [])),
                drop=tuple(site.get("drop", [])),
            )
        )
    return tuple(rules)


def rule_for(url: str | None, rules: tuple[SiteRule, ...] | None = None) -> SiteRule:
    """The first rule one of whose host suffixes the URL's host ends with."""
    if not url:
        return EMPTY
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return EMPTY
    for rule in load_rules() if rules is None else rules:
        if any(host == h or host.endswith("." + h) for h in rule.hosts):
            return rule
    return EMPTY
