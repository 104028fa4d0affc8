"""What every settings file reads the same way: the file's name, durations, text without control
characters, and a TOML or environment value converted to a setting's type."""

from __future__ import annotations

import math
import re
from typing import Any

from newsmirror.errors import ConfigError

CONFIG_FILE = "newsmirror.toml"
ENV_PREFIX = "NEWSMIRROR_"
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
# The longest duration any setting or option takes: ten years. Longer ones are typos, and past
# a few thousand years they are past the calendar that schedules and reports are written in.
MAX_DURATION = 3650 * 86400.0
# Control characters (C0, DEL, C1) and lone surrogates (bytes that were not UTF-8, as Python
# decodes the environment): no name, URL or setting has a use for them, and a NUL makes file
# names, HTTP headers and git fail.
CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def parse_duration(value: object, name: str = "duration") -> float:
    """Seconds from ``90``, ``"90s"``, ``"30m"``, ``"1h"``, ``"2d"`` or ``"1w"``."""
    seconds = math.nan
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", value.lower())
        if match:
            seconds = float(match[1]) * DURATION_UNITS.get(match[2] or "s", 1)
    if not math.isfinite(seconds):
        raise ConfigError(f"{name}: expected a duration such as 30m or 1h, got {value!r}")
    if not 0 < seconds <= MAX_DURATION:
        raise ConfigError(f"{name}: give more than zero and at most 3650d, got {value!r}")
    return seconds


def coerce(value: Any, kind: Any, where: str) -> Any:
    """Convert a TOML or environment value to the field's type, or say what is wrong."""
    text = isinstance(value, str)
    if kind in (bool, "bool"):
        if isinstance(value, bool):
            return value
        if text and value.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if text and value.strip().lower() in ("0", "false", "no", "off", ""):
            return False
    elif kind in (int, "int"):
        try:
            if not isinstance(value, bool) and (isinstance(value, int) or text):
                return int(value)
        except ValueError:
            pass
    elif kind in (float, "float"):
        try:
            if not isinstance(value, bool) and (isinstance(value, int | float) or text):
                return float(value)
        except ValueError:
            pass
    elif kind in (str, "str"):
        if text:
            return value
    elif str(kind).startswith("list"):
        if text:
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
    raise ConfigError(f"{where}: {value!r} is not a valid {getattr(kind, '__name__', kind)}")
