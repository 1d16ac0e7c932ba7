"""Console sessions: the cookie carries a random id, the store keeps the session (models/sessions.py).

The row remembers a fingerprint of the password hash it was opened with: a changed password ends
the member's sessions even before models/sync.py deletes them, and so does deactivation.
"""
import hashlib
from datetime import timedelta

COOKIE = "gw_console"
PRE_COOKIE = "gw_console_pre"  # before login: the login form's token, checked against the form (double submit)
KIND = "console"
LIFETIME = timedelta(hours=12)


def fingerprint(password_hash: str) -> str:
    """A short digest of the stored hash (not of the password)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]
