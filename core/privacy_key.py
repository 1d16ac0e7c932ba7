"""The key that seals full numbers: read from GRIDWHISTLE_PRIVACY_KEY or `privacy.key_file`, made once if neither.

The key never goes into the database: a copy of the store (a dump, a stolen disk) without the
key shows masked numbers only. Lose the key and the full numbers are gone for good (the masked
text stays), which is why a new key is announced with a warning to back it up.
"""
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

log = logging.getLogger(__name__)
ENV = "GRIDWHISTLE_PRIVACY_KEY"


class KeyProblem(Exception):
    """The key cannot be used; the message names where it comes from (exit 2)."""


@dataclass(frozen=True)
class KeySource:
    """Where the key comes from, and the key if it is there already."""

    where: str  # for people: "GRIDWHISTLE_PRIVACY_KEY" or "privacy.key_file (/srv/gw/data/privacy.key)"
    key: bytes | None
    path: Path | None  # the file to create when there is no key yet (None: the environment gives it)


def read_key(key_file: Path, env: Mapping[str, str]) -> KeySource:
    """The environment's key, else the file's, else a note of where a new one would go."""
    if env.get(ENV, "").strip():
        return KeySource(ENV, _checked(env[ENV].strip().encode("ascii", "replace"), ENV), None)
    where = f"privacy.key_file ({key_file})"
    try:
        raw = key_file.read_bytes()
    except FileNotFoundError:
        return KeySource(where, None, key_file)
    except OSError as exc:
        raise KeyProblem(f"{where}: cannot be read: {exc.strerror}") from None
    if key_file.stat().st_mode & 0o077:
        log.warning("the privacy key file can be read by other users than its owner: chmod 600 it",
                    extra={"key_file": str(key_file)})
    return KeySource(where, _checked(raw.strip(), where), key_file)


def create_key_file(path: Path) -> bytes:
    """Write a new key readable by its owner only; if another process wrote one first, that one is the key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(key + b"\n")
            out.flush()
            os.fsync(out.fileno())
        os.link(draft, path)  # appears complete or not at all; fails if the file exists
    except FileExistsError:
        return _checked(path.read_bytes().strip(), f"privacy.key_file ({path})")
    finally:
        draft.unlink(missing_ok=True)
    return key


def _checked(key: bytes, where: str) -> bytes:
    try:
        Fernet(key)
    except ValueError:
        raise KeyProblem(f"{where}: not a key made by this service (32 url-safe base64 bytes, 44 characters)") \
            from None
    return key
