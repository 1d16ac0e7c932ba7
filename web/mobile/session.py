"""The /m session: a cookie naming the member and its expiry, signed with the store's key.

The member's WeCom sign-in (or, in demo mode, the picker) starts it; it ends after LIFETIME,
when the member is deactivated, or on 退出. Forms carry a token derived from the cookie.
"""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from urllib.parse import quote, unquote

COOKIE = "gw_m"
PRE_COOKIE = "gw_m_pre"  # before sign-in: the picker form's token and the OAuth state
LIFETIME = timedelta(hours=12)


def issue(secret: bytes, member_id: str, now: datetime) -> str:
    """The cookie value for a member who just signed in: `expiry:member:signature`."""
    body = f"{int((now + LIFETIME).timestamp())}:{quote(member_id, safe='')}"
    return f"{body}:{_mac(secret, 'session', body)}"


def member_of(secret: bytes, value: str, now: datetime) -> str | None:
    """The member id in a valid, unexpired cookie; None otherwise."""
    body, _, signature = (value or "").rpartition(":")
    expires, _, member = body.partition(":")
    if not (expires.isdigit() and member) or not hmac.compare_digest(signature, _mac(secret, "session", body)):
        return None
    return unquote(member) if int(expires) > now.timestamp() else None


def form_token(secret: bytes, cookie_value: str) -> str:
    """What forms carry: bound to the cookie, so another site cannot forge a post."""
    return _mac(secret, "form", cookie_value)[:32]


def new_pre_token() -> str:
    """A random token for the pre-sign-in cookie (letters and digits: WeCom's `state` allows no more)."""
    return secrets.token_hex(16)


def _mac(secret: bytes, purpose: str, text: str) -> str:
    return hmac.new(secret, f"{purpose}\n{text}".encode(), hashlib.sha256).hexdigest()
