"""Connections to the shared database: every fault of reaching it (refused, unreachable, a
wrong password, a bad URL) is a ``StoreError`` of one line naming the URL without its password,
and a connection is only handed out when the database's schema is the one this code knows."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import psycopg

from newsmirror.errors import StoreError

CONNECT_TIMEOUT = 10  # seconds: an address that does not answer fails, not hangs
_SECRET_PARAMETERS = {"password", "passfile", "sslpassword"}
_NOISE = re.compile(r"^(?:connection failed: |connection to server .*? failed: |FATAL:\s*)+")


def redacted(url: str) -> str:
    """``url`` without its password (in the authority or as a query parameter)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"{url.partition('://')[0]}://…"
    user, at, host = parts.netloc.rpartition("@")
    netloc = f"{user.partition(':')[0]}@{host}" if at else host
    query = parts.query
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(key.lower() in _SECRET_PARAMETERS for key, _ in pairs):
        query = urlencode([(k, v) for k, v in pairs if k.lower() not in _SECRET_PARAMETERS])
    return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")


def _secrets(url: str) -> set[str]:
    """The passwords in ``url``, as written and decoded (the whole URL if it cannot be read)."""
    try:
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query)
    except ValueError:
        return {url}
    written = parts.netloc.rpartition("@")[0].partition(":")[2]
    found = {written, unquote(written)}
    found |= {value for key, value in pairs if key.lower() in _SECRET_PARAMETERS}
    return {secret for secret in found if secret}


def reason(error: psycopg.Error) -> str:
    """What went wrong, in one line, without libpq's preamble (the first line says it; the
    next ones are hints)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    first = lines[0] if lines else type(error).__name__
    return re.sub(r"\s+", " ", _NOISE.sub("", first)) or first


def open_connection(url: str, **options: object) -> psycopg.Connection[tuple[object, ...]]:
    """A connection to ``url``, without the schema check (migrations need one)."""
    try:
        return psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, **options)  # type: ignore[arg-type]
    except psycopg.Error as error:
        said = reason(error)
        for secret in _secrets(url):  # libpq may quote the part of the URL it cannot read
            said = said.replace(secret, "…")
        raise StoreError(
            f"{redacted(url)}: cannot connect to the database ({said}); check "
            "[store] url (NEWSMIRROR_STORE_URL) and that the server is running"
        ) from None
