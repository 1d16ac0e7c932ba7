"""Passwords: argon2id hashes (argon2-cffi); a hash for config.yaml with `python -m web.console.passwords`."""
import getpass
import sys

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the member is unknown, so a wrong name costs as long as a wrong password.
_DUMMY = _hasher.hash("not-a-member")


def hash_password(password: str) -> str:
    """An argon2id hash to store in members[].password_hash."""
    return _hasher.hash(password)


def verify(stored: str, password: str) -> bool:
    """True when the password matches the stored hash; an empty or broken hash never matches."""
    try:
        return _hasher.verify(stored or _DUMMY, password) and bool(stored)
    except (VerificationError, InvalidHashError):
        return False


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
