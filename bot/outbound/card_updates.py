"""Retiring a card's buttons on the phone: message/update_template_card with the card's response_code.

WeCom answers a button card's message/send with a response_code, and a tap on it brings another;
either updates that card once, within 72 hours. An update row (models/cards.py) waits while its
card is still on its way. It is given up, for good and without alarming anyone, when there is
nothing to update (the card never arrived), no code to do it with (the card went to the demo page,
or its code is spent or older than 72 hours), or WeCom refuses the code: the worst left behind is a
button whose tap answers that the ticket has moved on.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.clock import utc
from models import Outbox
from models.store import session

CODE_LIFETIME = timedelta(hours=72) - timedelta(minutes=5)  # WeCom's 72 h, less a margin for clocks and retries
WAIT = timedelta(seconds=15)  # for the card to be sent first


@dataclass(frozen=True)
class Plan:
    """What to do with an update row now: send (with `code`), wait for its card, or give up (`why`)."""

    verdict: str  # send | wait | give_up
    code: str | None = None
    why: str = ""


def plan(engine, row: Outbox, demo: bool, now: datetime) -> Plan:
    """Decide from the card's row; `demo`: the phone is the demo page, which reads the row itself."""
    with session(engine) as db:
        card = db.get(Outbox, row.payload.get("card_row"))
    if card is None or card.status == "failed":
        return Plan("give_up", why="卡片未送达，无需更新")
    if card.status != "sent":
        return Plan("wait")
    if demo:
        return Plan("send")
    tapped = row.payload.get("code")  # a tap's own code, good from the tap
    code, since = (tapped, row.created_at) if tapped else (card.response_code, card.code_at)
    if not code:
        return Plan("give_up", why="没有可用的 response_code（未返回或已用过）")
    if since is None or now - utc(since) >= CODE_LIFETIME:
        return Plan("give_up", why="response_code 已超过 72 小时，卡片无法再更新")
    return Plan("send", code)


def wait(engine, row_id: int, now: datetime) -> None:
    """Back in line behind the card; waiting costs no attempt."""
    with session(engine) as db:
        row = db.get(Outbox, row_id)
        row.status, row.lease_until, row.next_attempt_at = "pending", None, now + WAIT
        row.attempts = max(0, row.attempts - 1)
        db.add(row)
        db.commit()


def spend(engine, row: Outbox) -> None:
    """The card's own code was used (or refused): it is not offered to WeCom again."""
    if row.payload.get("code"):
        return
    with session(engine) as db:
        card = db.get(Outbox, row.payload.get("card_row"))
        if card is not None and card.response_code:
            card.response_code = None
            db.add(card)
            db.commit()
