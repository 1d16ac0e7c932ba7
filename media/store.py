"""The port every backend fills: bytes in and out by key, and the one rule for what a key may be."""
import re
import secrets
from typing import Protocol

KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


class BadKey(ValueError):
    """A key that is not one of ours: never used as a path or an object name."""


class MediaStore(Protocol):
    """Where the bytes live; keys are checked with `check_key` before any backend touches them."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key`, replacing whatever was there (whole or not at all)."""

    def get(self, key: str) -> tuple[bytes, str] | None:
        """The bytes and their content type, or None if there is nothing under `key`."""

    def delete(self, key: str) -> None:
        """Remove the blob; nothing there is not an error."""


def new_key() -> str:
    """A fresh random key (192 bits, URL-safe): unguessable, so the address alone reveals nothing."""
    return secrets.token_urlsafe(24)


def check_key(key: str) -> str:
    """The key itself if it is one of ours (letters, digits, - and _), else BadKey: no dots, slashes or NULs."""
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise BadKey(f"not a media key: {key[:80]!r}" if isinstance(key, str) else "not a media key")
    return key
