"""A signed callback query is good for one body. In plain mode the signature covers only the token,
timestamp and nonce, so a captured query would otherwise carry any body for as long as its timestamp
is fresh. Each accepted query is kept in the database with a digest of its body (across instances and
restarts, on SQLite and PostgreSQL alike): the same query with the same body is WeChat retrying and
gets the stored answer; with another body it is refused (403). Rows go once the timestamp window has
closed on them, as nothing with that timestamp is accepted any more."""
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete
from sqlmodel import Session, select

from bot.inbound.guard import MAX_SKEW_S, SignedQuery
from models import CallbackNonce
from models.rows import insert_ignore
from models.store import session

KEEP = timedelta(seconds=MAX_SKEW_S + 60)  # the window, and a minute for clocks that differ between instances
FORGET_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Seen:
    """One callback query and the digest of the body it came with."""

    key: str
    body_sha256: str
    expires_at: datetime


def seen(channel: str, query: SignedQuery, body: bytes) -> Seen:
    """The query as it is remembered."""
    expires_at = datetime.fromtimestamp(int(query.timestamp), timezone.utc) + KEEP
    return Seen(f"{channel}:{query.timestamp}:{query.nonce}:{query.signature}", hashlib.sha256(body).hexdigest(),
                expires_at)


def admit(db: Session, query: Seen) -> bool:
    """Remember the query in the caller's transaction; False when it came before with another body."""
    if insert_ignore(db, CallbackNonce, dict(key=query.key, body_sha256=query.body_sha256,
                                             expires_at=query.expires_at), ["key"]):
        return True
    before = db.exec(select(CallbackNonce.body_sha256).where(CallbackNonce.key == query.key)).first()
    return before is None or before == query.body_sha256


def forget_expired(engine, now: datetime) -> int:
    """Delete the queries whose timestamps can no longer pass; how many went."""
    with session(engine) as db:
        gone = db.exec(delete(CallbackNonce).where(CallbackNonce.expires_at < now)).rowcount
        db.commit()
    return gone


class Forgetting:
    """Ticker step: forget_expired at most once a minute (a DELETE each tick would only take the write lock)."""

    def __init__(self, engine):
        self.engine, self.next_at = engine, None

    def step(self, now: datetime) -> int:
        if self.next_at is not None and now < self.next_at:
            return 0
        self.next_at = now + FORGET_EVERY
        return forget_expired(self.engine, now)
