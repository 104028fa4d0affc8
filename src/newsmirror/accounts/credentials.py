"""Passwords and API tokens.

Passwords are kept only as a salted scrypt hash (slow on purpose). API tokens are derived from
a random per-user key, so replacing the key (a new password, ``users revoke``) revokes every
token at once and the store keeps no token itself. The Fever protocol fixes its key as
md5("name:password"); the store keeps only a sha256 of that key.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

from newsmirror.accounts.model import User

# 2**15 x 8 x 128 bytes: 32 MiB and some 100 ms a guess (OWASP's scrypt floor is 2**17 / 2**15).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SCRYPT_MEMORY = 64 * 1024 * 1024


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MEMORY, dklen=32
    )


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        found = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(found, base64.b64decode(digest))


@functools.cache
def decoy_hash() -> str:
    """Checked against when the name is unknown, so a wrong name takes as long as a wrong
    password."""
    return hash_password(secrets.token_hex(16))


def new_token_key() -> bytes:
    return secrets.token_bytes(32)


def _derived(user: User, purpose: bytes) -> str:
    return hmac.new(user.token_key, purpose, hashlib.sha256).hexdigest()


def api_token(user: User) -> str:
    """The Google Reader ``Auth`` token: the name (to find the key) and a MAC of it."""
    return f"{user.name}/{_derived(user, b'greader-auth')}"


def edit_token(user: User) -> str:
    """The Google Reader action token (``T``), apart from the login token."""
    return _derived(user, b"greader-edit")[:57]


def token_user_name(token: str) -> str | None:
    name, slash, _ = token.partition("/")
    return name if slash else None


def token_matches(token: str, user: User) -> bool:
    return hmac.compare_digest(token.encode(), api_token(user).encode())


def edit_token_matches(token: str, user: User) -> bool:
    return hmac.compare_digest(token.encode(), edit_token(user).encode())


def fever_key(name: str, password: str) -> str:
    """The Fever API key, as the protocol defines it (clients compute it the same way)."""
    return hashlib.md5(f"{name}:{password}".encode(), usedforsecurity=False).hexdigest()


def fever_lookup(key: str) -> str:
    """What the store keeps of a Fever key: enough to find and check it, not the key."""
    return hashlib.sha256(key.strip().lower().encode()).hexdigest()
