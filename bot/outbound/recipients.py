"""Where an outbox row goes: WeCom app, Official Account, group robot, the robot's reply URL, or the demo page."""
from datetime import datetime, timedelta

from bot.outbound.transports import Address, Transports
from core.clock import utc
from models import Member, Outbox, Resident

RESPONSE_URL_LIFETIME = timedelta(minutes=55)  # WeCom: usable once, for one hour


def address_of(db, row: Outbox, t: Transports, now: datetime) -> Address:
    """The transport and address for the row's audience; the demo page when no credentials are set."""
    if row.channel == "member":
        member = db.get(Member, row.recipient)
        return Address("work", member.wechat_id) if t.work_ready and member else Address("demo", row.recipient)
    if row.channel == "resident":
        resident = db.get(Resident, int(row.recipient))
        own = t.channels.get(resident.channel) if resident else None
        found = own.address(row, resident, now) if own else None
        if found:
            return found
        if resident and resident.channel == "mp" and t.mp_ready:
            return Address("mp", str(resident.id))  # bot/outbound/oa.py keeps its quota by resident
        if resident and resident.channel == "robot":
            return _robot_address(row, resident, t, now)
        if resident and resident.channel == "work" and t.work_ready:
            return Address("work", resident.external_id)
        return Address("demo", row.recipient)
    return Address("webhook", "supervisors") if t.webhook_key else Address("demo", row.recipient)


def _robot_address(row: Outbox, resident: Resident, t: Transports, now: datetime) -> Address:
    """Into the group through the callback's response_url while it lasts, else the app to the member."""
    url = row.payload.get("response_url")
    fresh = row.created_at is not None and now - utc(row.created_at) < RESPONSE_URL_LIFETIME
    if fresh and t.trusted_reply_url(url):
        return Address("robot_reply", url)
    if t.work_ready:  # robot users are members of the corp: the app reaches them 1:1
        return Address("work", resident.external_id)
    return Address("demo", row.recipient)
