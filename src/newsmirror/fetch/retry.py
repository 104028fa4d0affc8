"""When to retry and how long to wait: exponential back-off and the server's Retry-After."""

from __future__ import annotations

import random
import time
from email.utils import parsedate_to_datetime

JITTER = 0.1  # share of the delay added at random, so parallel retries do not land together


def retryable_status(status: int) -> bool:
    """408, 429 and 5xx may succeed later; any other 4xx will not."""
    return status in (408, 429) or 500 <= status <= 599


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # "-0000" dates parse naive; HTTP dates are always GMT
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(seconds, 0.0)


def backoff_delay(backoff: float, attempt: int) -> float:
    """The wait before retry number ``attempt + 1``: backoff, 2x, 4x ... plus jitter."""
    base = backoff * 2.0**attempt
    return base + random.uniform(0, base * JITTER)


def retry_delay(
    backoff: float, attempt: int, retry_after: float | None, retry_after_max: float
) -> float:
    """Retry-After wins when the server sent one, capped so one host cannot stall a run."""
    if retry_after is not None:
        return min(retry_after, retry_after_max)
    return backoff_delay(backoff, attempt)
