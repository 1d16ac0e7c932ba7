"""Passwords: argon2id hashes (argon2-cffi); a hash for config.yaml with `python -m web.console.passwords`.

config.yaml is the only source of stored hashes (models/sync.py mirrors it). The demo password is
no hash in the store: in demo mode it is what a member without a hash of their own logs in with.
"""
import functools
import getpass
import logging
import sys

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlmodel import select

from core.settings import Settings
from models import Member
from models.store import session

log = logging.getLogger(__name__)
# OWASP's first argon2id setting (19 MiB, 2 passes, 1 lane) instead of argon2-cffi's default (64 MiB, 3, 4):
# every check holds its memory cost for a moment on one of login.hash_threads, in the serving process; two
# logins at once at 64 MiB took a 196 MB process over 250 MB. A hash keeps its own parameters, so one made
# with the old setting still verifies (at its own cost until it is made again).
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Verified against when the member is unknown, so a wrong name costs as long as a wrong password. Written out,
# not hashed at import (made at import it was the peak of every serving process's resident memory). The hash
# of a random secret nobody kept, made with _hasher's parameters (a test checks they still agree).
_DUMMY = "$argon2id$v=19$m=19456,t=2,p=1$MLfz4QhGFs1t4KaSQcFSxQ$aOVDt4BGgntxi0BsIhTTCVCfOerJr63UgLxlfZVkDA0"
DEMO_PASSWORD = "demo1234"
_DEMO_SALT = b"gridwhistle-demo"  # fixed: every process makes the same hash, so session cookies agree


def hash_password(password: str) -> str:
    """An argon2id hash to store in members[].password_hash."""
    return _hasher.hash(password)


def verify(stored: str, password: str) -> bool:
    """True when the password matches the stored hash; an empty or broken hash never matches."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and bool(stored)
    except (VerificationError, InvalidHashError):
        return False


def login_hash(member: Member, demo: bool) -> str:
    """The hash a member logs in with: their own, or in demo mode (only) the demo password's if they have none."""
    if member.password_hash or not demo:
        return member.password_hash
    return _demo_hash()


@functools.cache
def _demo_hash() -> str:
    return _hasher.hash(DEMO_PASSWORD, salt=_DEMO_SALT)


def check_stored(engine: Engine, settings: Settings) -> list[str]:
    """At start, outside demo mode: forget hashes of the demo password (they open every such account to
    anyone who has seen the demo), and warn once of who cannot log in for want of a hash; returns their ids.

    Every role may log in to the console (a 网格员 sees their own tasks), so every active member counts.
    """
    if settings.demo.enabled:
        return []
    with session(engine) as db:
        members = sorted(db.exec(select(Member).where(Member.active)).all(), key=lambda m: m.id)
        shared = [m for m in members if m.password_hash and verify(m.password_hash, DEMO_PASSWORD)]
        for member in shared:
            member.password_hash = ""
            db.add(member)
        db.commit()
        without = [m.id for m in members if not m.password_hash]
    if shared:
        log.warning("the demo password is not accepted outside demo mode: set another password_hash for these "
                    "members", extra={"members": [m.id for m in shared]})
    if without:
        log.warning("members without a password_hash cannot log in to the console", extra={"members": without})
    return without


def main() -> int:
    """Read a password twice and print its hash."""
    first = getpass.getpass("密码 / password: ")
    if len(first) < 8 or first != getpass.getpass("再输一次 / again: "):
        print("密码至少 8 位且两次一致 / at least 8 characters, typed twice the same", file=sys.stderr)
        return 1
    print(hash_password(first))
    return 0


if __name__ == "__main__":
    sys.exit(main())
