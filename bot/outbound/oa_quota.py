"""The Official Account's customer-service quota, kept per resident.

WeChat lets a service account write to a resident with customer-service messages for 48 hours after the
resident's last message, at most 5 times; each new message from the resident opens a new window. The
window is the resident's newest stored message (events such as LOCATION do not count); the resident row
keeps which message opened the window it counted and how many were sent in it. A slot is taken before the
call (one conditional UPDATE, so two instances cannot both take the fifth) and given back if the call fails
for a reason other than the quota.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, or_, update
from sqlmodel import select

from core.clock import utc
from models import InboxMessage, Resident
from models.store import session

WINDOW = timedelta(hours=48)
QUOTA = 5
WINDOW_PASSED, QUOTA_USED = 45015, 45047  # WeChat's errcodes for the two refusals
REASONS = {WINDOW_PASSED: "居民48小时内没有发来消息，客服消息发不出",
           QUOTA_USED: f"居民上次发消息后已发满{QUOTA}条客服消息"}


@dataclass(frozen=True)
class Slot:
    """The resident's OpenID, and either a reserved customer-service message (refused 0) or WeChat's errcode
    for why none may go now."""

    openid: str
    window: int | None
    refused: int = 0


def reserve(engine, resident_id: int, now: datetime) -> Slot:
    """Take one of the resident's customer-service messages, if the window is open and not used up."""
    with session(engine) as db:
        openid = db.get(Resident, resident_id).external_id
        opened = db.exec(select(InboxMessage.id, InboxMessage.received_at).where(
            InboxMessage.channel == "mp", InboxMessage.sender == openid, InboxMessage.msg_type != "event")
            .order_by(InboxMessage.id.desc()).limit(1)).first()
        if opened is None or opened.received_at is None or now - utc(opened.received_at) > WINDOW:
            return Slot(openid, None, WINDOW_PASSED)
        same = Resident.cs_window_msg == opened.id
        taken = db.exec(update(Resident).where(
            Resident.id == resident_id, or_(Resident.cs_window_msg.is_(None), ~same, Resident.cs_sent < QUOTA))
            .values(cs_sent=case((same, Resident.cs_sent + 1), else_=1), cs_window_msg=opened.id)).rowcount
        db.commit()
    return Slot(openid, opened.id, 0 if taken else QUOTA_USED)


def give_back(engine, resident_id: int, slot: Slot) -> None:
    """The call failed for another reason: the message taken was not sent."""
    _set(engine, resident_id, slot, Resident.cs_sent - 1)


def used_up(engine, resident_id: int, slot: Slot) -> None:
    """WeChat refused with 45015 or 45047: nothing more goes in this window, whatever was counted here."""
    _set(engine, resident_id, slot, QUOTA)


def _set(engine, resident_id: int, slot: Slot, sent) -> None:
    with session(engine) as db:
        db.exec(update(Resident).where(Resident.id == resident_id, Resident.cs_window_msg == slot.window,
                                       Resident.cs_sent > 0).values(cs_sent=sent))
        db.commit()
