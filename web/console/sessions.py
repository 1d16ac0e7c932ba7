"""Signed session cookies: member id, expiry, and a fingerprint of the password hash.

Changing a member's password (or deactivating them) ends their sessions: the fingerprint no
longer matches, or the member is no longer active.
"""
import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

COOKIE = "gw_console"
LIFETIME = timedelta(hours=12)


def fingerprint(password_hash: str) -> str:
    """A short digest of the stored hash (not of the password)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def issue(secret: bytes, member_id: str, password_hash: str, now: datetime) -> str:
    """The cookie value for a member who just logged in."""
    body = json.dumps({"m": member_id, "exp": int((now + LIFETIME).timestamp()), "v": fingerprint(password_hash)},
                      separators=(",", ":")).encode()
    payload = base64.urlsafe_b64encode(body).decode().rstrip("=")
    return f"{payload}.{_sign(secret, payload)}"


def read(secret: bytes, value: str, now: datetime) -> tuple[str, str] | None:
    """(member id, fingerprint) from a valid, unexpired cookie; None otherwise."""
    payload, _, signature = (value or "").partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(secret, payload)):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        member_id, expires, version = str(body["m"]), int(body["exp"]), str(body["v"])
    except (ValueError, KeyError, TypeError):
        return None
    if expires <= now.timestamp():
        return None
    return member_id, version


def csrf_token(secret: bytes, cookie_value: str) -> str:
    """The token forms carry: bound to the session, so another site cannot forge it."""
    return _sign(secret, "csrf:" + cookie_value)[:32]


def _sign(secret: bytes, text: str) -> str:
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()
