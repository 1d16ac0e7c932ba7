"""What the demo may show: only what came in through the demo page and what the demo page delivered.

The demo has no login, so its feeds never carry a row of a real channel, even over a store that
once served a deployment: inbound messages of the demo channel and of the page's staff phones and
微信客服 chat (told apart by message keys no WeChat id can spell), and outbox rows for the demo's
residents, or for members and the supervisors' group that the demo page delivers (the sender marks
them VIA_DEMO; in demo mode a row still waiting can go nowhere else: config_demo refuses credentials).
"""
from sqlalchemy import String, and_, cast, or_
from sqlmodel import select

from core.privacy import mask
from models import InboxMessage, Outbox, Resident
from models.outbox import VIA_DEMO

# Message keys of what the demo page posts from a member's phone, or as a 微信客服 customer. "/" and ":"
# are in no WeChat id, so no real message's key begins like these.
STAFF_KEY = "work:demo/"
KF_KEY = "demo:kf:"
# External ids of the demo's 微信客服 residents and of the seeded history's residents.
KF_RESIDENT = "demo-kf:"
SEEDED_RESIDENT = "demo-seed:"
WAITING = ("pending", "sending")


def demo_inbox():
    """A WHERE clause for InboxMessage: what the demo page brought in."""
    return or_(InboxMessage.channel == "demo", InboxMessage.msg_key.startswith(STAFF_KEY),
               InboxMessage.msg_key.startswith(KF_KEY))


def demo_residents():
    """The demo's residents' ids as outbox recipients (text)."""
    return select(cast(Resident.id, String)).where(or_(
        Resident.channel == "demo", Resident.external_id.startswith(KF_RESIDENT),
        Resident.external_id.startswith(SEEDED_RESIDENT)))


def demo_outbox():
    """A WHERE clause for Outbox: rows for the demo's residents, and rows to staff that the demo page delivers."""
    [(key, value)] = VIA_DEMO.items()
    to_staff = and_(Outbox.channel != "resident",
                    or_(Outbox.payload[key].as_string() == value, Outbox.status.in_(WAITING)))
    return or_(and_(Outbox.channel == "resident", Outbox.recipient.in_(demo_residents())), to_staff)


def masked_card(card: dict | None) -> dict | None:
    """A task card as the demo shows it: phone and ID numbers in its texts masked."""
    if not card:
        return card
    return card | {k: mask(card[k]) for k in ("title", "description") if isinstance(card.get(k), str)}
