"""The ticket moved on: every card still offering its buttons says so instead ("已由李明接单").

Whoever holds a card for the ticket (the assignees, 抄送, each escalation rung's 接手 card, the
leader asked to confirm a 转派) sees what happened where the buttons were. The tapped card is
answered by the tap itself (bot/ replies to WeCom's click with the new button text); every other
card gets an update row in the outbox (models/cards.py), written in the caller's transaction.
"""
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlmodel import Session

from models import cards

# What the tapped card shows once the tap did what it asked.
TAPPED = {"accept": "已接单", "arrive": "已接单", "resolve": "已办结", "confirm_transfer": "已同意转派",
          "reject_transfer": "已拒绝转派"}


def tap(db: Session, ticket_id: int, task: str, action: str) -> str | None:
    """The tapped card's new text; it is retired here, before the action, so the action's own
    retirement of the other cards passes it by (and a refused action rolls both back)."""
    label = TAPPED.get(action)
    if label:
        for card in cards.live(db, ticket_id):
            if cards.is_tapped(card, task):
                cards.mark(db, card, label)
    return label


def retire(db: Session, ticket_id: int, label: Callable[[str], str], now: datetime,
           only: Iterable[str] = ()) -> int:
    """Replace the buttons of the ticket's live cards (only those with one of the `only` actions,
    if given) by `label(recipient)`; return how many."""
    wanted = set(only)
    retired = 0
    for card in cards.live(db, ticket_id):
        if not wanted or wanted & set(cards.buttons(card)):
            shown = cards.mark(db, card, label(card.recipient))
            if card.status != "failed":  # a card that never reached the phone needs no update
                cards.queue_update(db, card, shown, now)
            retired += 1
    return retired


def accepted(db: Session, ticket_id: int, acceptor: str, name: str, now: datetime) -> None:
    """签收: the cards asking someone to accept now say who did."""
    retire(db, ticket_id, lambda m: TAPPED["accept"] if m == acceptor else f"已由{name}接单", now, only=("accept",))


def ended(db: Session, ticket_id: int, label: str, now: datetime) -> None:
    """办结, 关闭, 撤销: nothing on any card is left to do."""
    retire(db, ticket_id, lambda _m: label, now)


def handed_over(db: Session, ticket_id: int, to: list[str], names: str, now: datetime) -> None:
    """改派, 转派, 转警, 收回重派: the old cards point at the new holders (who get new cards of their own)."""
    retire(db, ticket_id, lambda m: "已重新派单" if m in to else f"已改派给{names}", now)
