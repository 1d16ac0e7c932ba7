"""Where an outbox row goes: WeCom app, Official Account, group robot, the robot's reply URL, or the demo page.

The demo page stands in for whatever is not configured only in demo mode; otherwise a row with no
way to go has no address (None) and the sender fails it visibly.
"""
from datetime import datetime, timedelta

from bot.outbound.transports import Address, Transports
from core.clock import utc
from models import Member, Outbox, Resident

RESPONSE_URL_LIFETIME = timedelta(minutes=55)  # WeCom: usable once, for one hour


def address_of(db, row: Outbox, t: Transports, now: datetime, people: dict | None = None) -> Address | None:
    """The transport and address for the row's audience; in demo mode the demo page where nothing else is set up.

    `people` keeps the members and residents looked up, for a caller asking for many rows of one recipient.
    """
    fallback = Address("demo", row.recipient) if t.demo else None
    if row.channel == "member":
        member = _person(db, Member, row.recipient, people)
        return Address("work", member.wechat_id) if t.work_ready and member else fallback
    if row.channel == "resident":
        resident = _person(db, Resident, int(row.recipient), people)
        own = t.channels.get(resident.channel) if resident else None
        found = own.address(row, resident, now) if own else None
        if found:
            return found
        if resident and resident.channel == "mp" and t.mp_ready:
            return Address("mp", str(resident.id))  # bot/outbound/oa.py keeps its quota by resident
        if resident and resident.channel == "robot":
            return _robot_address(row, resident, t, now) or fallback
        if resident and resident.channel == "work" and t.work_ready:
            return Address("work", resident.external_id)
        return fallback
    return Address("webhook", "supervisors") if t.webhook_key else fallback


def _person(db, model: type[Member] | type[Resident], key: str | int, people: dict | None):
    """The row's member or resident: from `people` if looked up already there (None too: not found)."""
    if people is None:
        return db.get(model, key)
    if (model, key) not in people:
        people[model, key] = db.get(model, key)
    return people[model, key]


def _robot_address(row: Outbox, resident: Resident, t: Transports, now: datetime) -> Address | None:
    """Into the group through the callback's response_url while it lasts, else the app to the member."""
    url = row.payload.get("response_url")
    fresh = row.created_at is not None and now - utc(row.created_at) < RESPONSE_URL_LIFETIME
    if fresh and t.trusted_reply_url(url):
        return Address("robot_reply", url)
    if t.work_ready:  # robot users are members of the corp: the app reaches them 1:1
        return Address("work", resident.external_id)
    return None
