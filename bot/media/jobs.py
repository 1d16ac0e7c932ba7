"""The download queue: one row per message that carries media, added in the transaction that stores the
message (bot/inbound/inbox.py), so a message WeChat delivers again (same key, not stored again) adds none
and is downloaded once.

The rows live in the shared key/value table (key `media:<msg_key>`, `expires_at` = when due), which every
engine and instance already has; claims are conditional UPDATEs, as for the other background work.
"""
import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, update
from sqlmodel import Session

from bot.inbound.incoming import Incoming
from models import SharedValue
from models.rows import claim_rows, insert_ignore
from models.store import session

PREFIX = "media:"
LEASE = timedelta(minutes=2)  # a claim not finished by then (a crash) is taken again


def ref(msg_key: str) -> str:
    """The name a ticket's photo entry carries until our copy replaces WeChat's address: from the message key,
    without the sender's OpenID or userid in it (tickets are read by the API and the console)."""
    return hashlib.sha256(msg_key.encode()).hexdigest()[:24]


def source(incoming: Incoming) -> dict | None:
    """What to download for this message: a MediaId (WeCom app, Official Account) or the robot's encrypted
    image URL; None for messages without media and for 微信客服's, which its puller fetches itself."""
    if incoming.msg_type not in ("image", "voice"):
        return None
    if incoming.channel in ("work", "mp") and incoming.media_id:
        return {"media_id": incoming.media_id}
    if incoming.channel == "robot" and incoming.msg_type == "image" and incoming.pic_url:
        return {"url": incoming.pic_url} | ({"aeskey": incoming.raw["aeskey"]} if incoming.raw.get("aeskey") else {})
    return None


def add(db: Session, incoming: Incoming, now: datetime) -> None:
    """Queue the message's media, in the caller's transaction (the one that stores the message)."""
    where = source(incoming)
    if where is None:
        return
    job = where | {"msg_key": incoming.msg_key, "channel": incoming.channel, "kind": incoming.msg_type, "tries": 0}
    insert_ignore(db, SharedValue, dict(key=PREFIX + incoming.msg_key, value=json.dumps(job), expires_at=now,
                                        updated_at=now), ["key"])


def claim(engine, now: datetime, batch: int = 10) -> list[str]:
    """Take up to `batch` due downloads for this instance; their keys."""
    due = and_(SharedValue.key.like(PREFIX + "%"), SharedValue.expires_at <= now)
    return claim_rows(engine, SharedValue, due, dict(expires_at=now + LEASE, updated_at=now),
                      SharedValue.expires_at, batch)


def load(engine, key: str) -> dict | None:
    """A claimed download's description."""
    with session(engine) as db:
        row = db.get(SharedValue, key)
        return json.loads(row.value) if row else None


def later(engine, key: str, job: dict, at: datetime) -> None:
    """Put the download back, due at `at` (the message is still being processed, or WeChat was busy)."""
    with session(engine) as db:
        db.exec(update(SharedValue).where(SharedValue.key == key).values(value=json.dumps(job), expires_at=at))
        db.commit()


def drop(engine, key: str) -> None:
    """Done with it: kept, or given up (the ticket's timeline says so)."""
    with session(engine) as db:
        db.exec(delete(SharedValue).where(SharedValue.key == key))
        db.commit()
