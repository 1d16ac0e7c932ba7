"""Who may act on a ticket now: decided by the current assignment, never by the card or message used.

A card or a command may be old: the ticket was reassigned, handed back, taken over, closed.
Each action is checked against the ticket as it stands, and a refusal says who holds it now.
"""
from sqlmodel import Session, select

from core.vocabulary import OPEN_STATUSES, STATUS_NAMES
from dispatch import transfers
from dispatch.assign import holders
from dispatch.context import Deps
from models import Assignment, Ticket
from models.holding import alerted_may_take_over

TAKE_OVER = ("accept", "arrive", "transfer_police")  # each accepts first if nobody has


def refusal(deps: Deps, db: Session, ticket: Ticket, member_id: str, action: str, verb: str) -> str | None:
    """Why `member_id` may not do `action` (shown as `verb`) to the ticket now; None if they may."""
    if ticket.status in OPEN_STATUSES and action in ("confirm_transfer", "reject_transfer"):
        return transfers.decider_refusal(deps, db, ticket, member_id)
    if member_id in deps.settings.station.supervisors:
        return None
    if ticket.status not in OPEN_STATUSES:
        return f"{ticket.number} {STATUS_NAMES[ticket.status]}，无需再处理。"
    held = holders(db, ticket.id)
    mine = [a for a in held if a.member_id == member_id]
    if not mine and not may_take_over(db, ticket, member_id, action):
        if _held_before(db, ticket.id, member_id):
            return f"{ticket.number} 已不由您承办（现由{holder_names(deps, held)}承办），您无需再处理。"
        return f"{ticket.number} 不是派给您的工单，不能{verb}。"
    if action != "accept" and ticket.status in ("accepted", "in_progress") and not any(a.accepted_at for a in mine):
        return f"{ticket.number} 已由{holder_names(deps, [a for a in held if a.accepted_at])}签收，不能{verb}。"
    return None


def may_take_over(db: Session, ticket: Ticket, member_id: str, action: str) -> bool:
    """A take-over action by someone this cycle's ladder alerted (models/holding.py says who)."""
    return action in TAKE_OVER and alerted_may_take_over(db, ticket, member_id)


def holder_names(deps: Deps, held: list[Assignment]) -> str:
    """The holders' names for a reply, primary first; 待所领导裁定 when nobody holds it."""
    return "、".join(dict.fromkeys(deps.member_name(a.member_id) for a in held)) or "待所领导裁定"


def _held_before(db: Session, ticket_id: int, member_id: str) -> bool:
    return db.exec(select(Assignment.id).where(Assignment.ticket_id == ticket_id, Assignment.member_id == member_id,
                                               Assignment.active.is_(False))).first() is not None
