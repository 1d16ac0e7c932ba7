"""How many messages each recipient may get, as WeChat states it, and how long a message over it waits.

WeCom drops app messages to one member past 30 a minute and past 1,000 an hour, silently; a group robot's
webhook takes 20 messages a minute. Each limit is counted over the messages sent (outbox rows) in the
window before now, read by the composite index ix_outbox_recipient_sent.
"""
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from core.settings import Settings
from models import Outbox

WEBHOOK_PER_MINUTE = 20
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)


def recent_sends(recipient: str, channel: str, since: datetime):
    """How many messages went to this recipient since then."""
    return select(func.count()).select_from(Outbox).where(
        Outbox.recipient == recipient, Outbox.channel == channel, Outbox.status == "sent", Outbox.sent_at >= since)


def limits(transport: str, settings: Settings) -> list[tuple[timedelta, int]]:
    """(window, how many) for a transport; none for the demo page."""
    w = settings.wechat
    if transport == "demo":
        return []
    if transport == "webhook":
        return [(MINUTE, WEBHOOK_PER_MINUTE)]
    if transport == "work":
        return [(MINUTE, w.send_rate_per_minute), (HOUR, w.send_rate_per_hour)]
    return [(MINUTE, w.send_rate_per_minute)]


def wait_for(db: Session, row: Outbox, transport: str, settings: Settings, now: datetime) -> timedelta | None:
    """How long this message must wait before it goes, or None to send it now."""
    for window, most in limits(transport, settings):
        if db.exec(recent_sends(row.recipient, row.channel, now - window)).one() >= most:
            # a minute's limit frees within seconds; an hour's is worth asking again only now and then
            return timedelta(seconds=20) if window == MINUTE else timedelta(minutes=5)
    return None
