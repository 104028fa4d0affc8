"""Parameters of the reader-app APIs: query and form together, each name with all its values
(the Google Reader API repeats ``i``, ``a``, ``r``), and the error for a bad one."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

MOST_BODY = 1 << 20
Params = dict[str, list[str]]


class BadRequest(Exception):
    """A parameter the API cannot use; the message names it and what to give."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


async def read_params(request: Request) -> Params:
    pairs = list(request.query_params.multi_items())
    if request.method == "POST":
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MOST_BODY:
                raise BadRequest("the request body is over 1 MiB", 413)
        pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    params: Params = {}
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    return params


def one(params: Params, name: str, default: str = "") -> str:
    """The last value given for ``name``."""
    return params.get(name, [default])[-1]


def number(params: Params, name: str) -> int | None:
    """A whole number, None when not given."""
    text = one(params, name).strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise BadRequest(f"{name}: give a whole number")
    return int(text)
