"""How many messages each recipient may get, as WeChat states it, and how long a message over it waits.

WeCom drops app messages to one member past 30 a minute and past 1,000 an hour, silently; a group robot's
webhook takes 20 messages a minute. Each limit is counted over the messages sent (outbox rows) in the
window before now, read by the composite index ix_outbox_recipient_sent.
"""
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, func, or_, update
from sqlmodel import Session, select

from core.clock import utc
from core.settings import Settings
from models import Outbox

WEBHOOK_PER_MINUTE = 20
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)
# `sent_at >= since` counts a send exactly one window old: the slot it takes is free a moment later
FREED_AFTER = timedelta(seconds=1)

# How many messages went to a recipient in the last hour, and in the last minute, and when the oldest of
# each went (updating a card shows the person no new message): both windows in one statement, read by the
# index over the wider one. Built once: the sender asks before every send.
_IN_SHORT = Outbox.sent_at >= bindparam("short_since")
RECENT_SENDS = select(func.count().filter(_IN_SHORT), func.min(Outbox.sent_at).filter(_IN_SHORT),
                      func.count(), func.min(Outbox.sent_at)).select_from(Outbox).where(
    Outbox.recipient == bindparam("recipient"), Outbox.channel == bindparam("channel"), Outbox.status == "sent",
    Outbox.sent_at >= bindparam("since"), Outbox.msg_type != "card_update")


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


def held_until(db: Session, row: Outbox, transport: str, settings: Settings, now: datetime) -> datetime | None:
    """When the recipient's window next frees a slot, if it has had all it may get for now; None to send now.

    The oldest send in the window leaving it frees one slot; were there more sends than the limit (it was
    lowered), the message is held again then, and waits for the next.
    """
    windows = limits(transport, settings)  # the shorter first; one or two
    if not windows:
        return None
    in_short, oldest_in_short, in_long, oldest_in_long = db.exec(RECENT_SENDS, params=dict(
        recipient=row.recipient, channel=row.channel, short_since=now - windows[0][0],
        since=now - windows[-1][0])).one()
    for (window, most), (sends, oldest) in zip(windows, ((in_short, oldest_in_short), (in_long, oldest_in_long))):
        if sends >= most:
            return utc(oldest) + window + FREED_AFTER
    return None


RATE_LIMITED = "rate limited"
_TABLE = Outbox.__table__
_UNTIL = bindparam("until", type_=_TABLE.c.next_attempt_at.type)
# A held recipient's plain messages wait together: the ones this sender claimed (given back: being held is
# not an attempt) and its others already due or due before then, so each is not claimed, looked at and held
# on its own, and all come back at one time, in the order they were written. Card updates (not limited) and
# messages cut off mid-send (sender.py flags or fails them first) are left to the sender, one by one.
_HOLD_BACK = (
    update(_TABLE)
    .where(_TABLE.c.channel == bindparam("of_channel"), _TABLE.c.recipient == bindparam("of_recipient"),
           _TABLE.c.msg_type != "card_update", _TABLE.c.send_started_at.is_(None),
           or_(and_(_TABLE.c.status == "sending", _TABLE.c.id.in_(bindparam("claimed", expanding=True))),
               and_(_TABLE.c.status == "pending", _TABLE.c.next_attempt_at <= _UNTIL)))
    .values(status="pending", next_attempt_at=_UNTIL, lease_until=None, last_error=RATE_LIMITED,
            attempts=_TABLE.c.attempts - case((_TABLE.c.status == "sending", 1), else_=0))
    .returning(_TABLE.c.id))


def hold_back(db: Session, channel: str, recipient: str, claimed: list[int], until: datetime) -> set[int]:
    """Put off the recipient's messages until its window frees, in one statement; the claimed ones it took."""
    found = db.connection().execute(_HOLD_BACK, dict(of_channel=channel, of_recipient=recipient, claimed=claimed,
                                                     until=until))
    return set(found.scalars()) & set(claimed)
