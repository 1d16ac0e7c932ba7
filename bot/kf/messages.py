"""kf/sync_msg's items as the conversation reads them.

Each item has msgid, open_kfid, external_userid, send_time, origin (3 the WeChat customer,
4 a system event, 5 a servicer in the WeCom client) and msgtype with its structure: text.content,
image.media_id, voice.media_id (no recognised text), location.{latitude, longitude, name, address},
event.event_type. Only the customer's own messages (origin 3) are the resident speaking.
"""
import math
from dataclasses import dataclass
from datetime import datetime, timezone

from bot.inbound.incoming import Incoming

CUSTOMER = 3


@dataclass(frozen=True)
class Pulled:
    """One customer message, ready for the inbox: what it says, when, and to which account."""

    incoming: Incoming
    sent_at: datetime
    open_kfid: str
    media_id: str | None = None  # an image to fetch before the message is stored


def customer_message(item, now: datetime) -> Pulled | None:
    """The resident's message in an item, or None for anything else (events, servicers, junk)."""
    if not isinstance(item, dict) or item.get("origin") != CUSTOMER:
        return None
    msg_id, user, account = (_text(item.get(k)) for k in ("msgid", "external_userid", "open_kfid"))
    if not (msg_id and user and account):
        return None
    kind = _text(item.get("msgtype")) or "unknown"
    body = item.get(kind) if isinstance(item.get(kind), dict) else {}
    text, lat, lng, media = "", None, None, None
    if kind == "text":
        text = _text(body.get("content"))
    elif kind == "location":
        lat, lng = _number(body.get("latitude")), _number(body.get("longitude"))
        text = _text(body.get("name")) or _text(body.get("address"))
        kind = "location" if lat is not None and lng is not None else "unknown"
    elif kind == "image":
        media = _text(body.get("media_id")) or None
    incoming = Incoming(channel="kf", sender=user[:128], msg_key=f"kf:{msg_id[:160]}", msg_type=kind,
                        text=text.strip()[:4000], lat=lat, lng=lng)
    return Pulled(incoming, _when(item.get("send_time"), now), account[:64], media)


def welcome_code(item) -> str | None:
    """The code of an enter_session event: the one chance to greet before the resident writes."""
    event = item.get("event") if isinstance(item, dict) and item.get("msgtype") == "event" else None
    if isinstance(event, dict) and event.get("event_type") == "enter_session":
        return _text(event.get("welcome_code")) or None
    return None


def _text(value) -> str:
    """A string field as stored: no NUL, no lone surrogate; anything else is no text."""
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _when(value, now: datetime) -> datetime:
    """send_time (unix seconds), never in the future; now when missing or absurd."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return now
    return min(datetime.fromtimestamp(value, tz=timezone.utc), now) if value < 2**33 else now
