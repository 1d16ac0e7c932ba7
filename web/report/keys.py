"""The page's secrets: a device cookie, form tokens bound to it, and each report's status key.

There is no login. A form token is an HMAC of the device cookie and the time it was issued, so
another site can neither read nor forge one (and the cookie is SameSite=Lax besides). A report's
status key `k` is an HMAC of the report's random key: unguessable, never stored, and the server
can give it again to the same device ("我的报事").
"""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlmodel import select

from models import SharedValue
from models.rows import insert_ignore
from models.store import session

DEVICE_COOKIE = "gw_device"
DEVICE_LIFETIME = timedelta(days=365)
FORM_LIFETIME = timedelta(hours=3)  # long enough to write a report with one hand, short enough to expire
SECRET_KEY = "report:secret"


def load_secret(engine) -> bytes:
    """The signing key: one per database, so every instance accepts the others' tokens and links."""
    with session(engine) as db:
        insert_ignore(db, SharedValue, dict(key=SECRET_KEY, value=secrets.token_hex(32)), ["key"])
        db.commit()
        return bytes.fromhex(db.exec(select(SharedValue.value).where(SharedValue.key == SECRET_KEY)).one())


def new_device_id() -> str:
    """A fresh device cookie value."""
    return secrets.token_urlsafe(18)


def device_hash(secret: bytes, device_id: str) -> str:
    """What the store keeps of the cookie: enough to count a device's reports, useless to replay."""
    return _sign(secret, "device:" + device_id)[:32]


def form_token(secret: bytes, device_id: str, now: datetime) -> str:
    """A token for one form, bound to this device and valid for FORM_LIFETIME."""
    issued = str(int(now.timestamp()))
    return f"{issued}.{_sign(secret, f'form:{device_id}:{issued}')[:32]}"


def form_token_ok(secret: bytes, device_id: str, token: str, now: datetime) -> bool:
    """True if this device's page issued the token, and not too long ago."""
    issued, _, signature = (token or "").partition(".")
    if not issued.isdigit() or not device_id:
        return False
    fresh = now.timestamp() - int(issued) <= FORM_LIFETIME.total_seconds()
    return fresh and hmac.compare_digest(signature, _sign(secret, f"form:{device_id}:{issued}")[:32])


def status_key(secret: bytes, report_key: str) -> str:
    """The `k` of a report's status link."""
    return _sign(secret, "status:" + report_key)[:32]


def status_key_ok(secret: bytes, report_key: str, k: str) -> bool:
    """True if `k` opens this report's status page."""
    return bool(k) and hmac.compare_digest(k, status_key(secret, report_key))


def _sign(secret: bytes, text: str) -> str:
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()
