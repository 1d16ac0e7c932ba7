"""Button cards in the outbox: which are still live, and the updates that retire their buttons.

A card (an outbox row with msg_type "template_card") is live until the ticket moves on. Then its
buttons are replaced by a short text ("已由李明接单"): the card that was tapped by the tap's own
answer, every other one by an update row (msg_type "card_update", key "card:<card row id>", so at
most one per card) that the sender turns into WeCom's message/update_template_card with the
response_code returned for that card. An update row belongs to the same recipient as its card, so
the sender handles the two in order.
"""
from datetime import datetime

from sqlmodel import Session, select

from models.outbox import Outbox, card_of
from models.rows import insert_ignore

LABEL_MAX = 20  # a button's width on a phone


def live(db: Session, ticket_id: int) -> list[Outbox]:
    """The ticket's cards whose buttons still stand, oldest first.

    Not locked: the sender writes these rows' delivery columns meanwhile; whoever changes the
    ticket holds the ticket's lock, and the update key makes a second retirement a no-op.
    """
    return list(db.exec(select(Outbox).where(Outbox.ticket_id == ticket_id, Outbox.msg_type == "template_card",
                                             Outbox.card_state.is_(None)).order_by(Outbox.id)).all())


def buttons(card: Outbox) -> list[str]:
    """The actions on the card's buttons (accept, resolve, confirm_transfer ...)."""
    return [str(b.get("key", "")).partition(":")[0] for b in (card.payload.get("card") or {}).get("buttons", [])]


def is_tapped(card: Outbox, task: str | None) -> bool:
    """Whether a tap that came with this task_id was on this card (any of its sends)."""
    return bool(task) and card.task_id is not None and card_of(card.task_id) == card_of(task)


def mark(db: Session, card: Outbox, label: str) -> str:
    """The card's buttons give way to `label` (as stored); the phone learns of it by a tap's answer or an update."""
    card.card_state = label[:LABEL_MAX]
    db.add(card)
    return card.card_state


def queue_update(db: Session, card: Outbox, label: str, now: datetime, code: str | None = None) -> bool:
    """The update row for `card`; `code` is a tap's own response_code (else the card's is used)."""
    payload = {"text": f"卡片更新：{label}", "replace": label, "card_row": card.id} | ({"code": code} if code else {})
    return insert_ignore(db, Outbox, dict(idem_key=f"card:{card.id}", channel=card.channel, recipient=card.recipient,
                                          msg_type="card_update", payload=payload, ticket_id=card.ticket_id,
                                          status="pending", attempts=0, next_attempt_at=now, created_at=now),
                         ["idem_key"])


def tapped(db: Session, recipient: str, ticket_id: int, task: str | None) -> Outbox | None:
    """The recipient's card for the ticket that a tap with this task_id came from."""
    mine = db.exec(select(Outbox).where(Outbox.ticket_id == ticket_id, Outbox.recipient == recipient,
                                        Outbox.msg_type == "template_card")).all()
    return next((card for card in mine if is_tapped(card, task)), None)
