"""The daily 督办 list: open tickets whose pushes have stopped (repeats or the ticket's limit used up)."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from core.clock import utc
from core.policy import WAITING, Policy
from models import Escalation, Ticket
from models.holding import Holders, current_holders


@dataclass(frozen=True)
class Chased:
    """A ticket the daily list carries: what it waits for, on whom, since when."""

    ticket: Ticket
    waiting: str  # 签收 | 办结
    late: list[str]  # member ids
    since: datetime  # dispatched


def chase_list(db: Session) -> list[Chased]:
    """Open tickets no longer pushed about, the longest waiting first."""
    waiting_on = {s: ladder for ladder, statuses in WAITING.items() for s in statuses}
    rows = db.exec(select(Ticket, Escalation.kind, Escalation.cycle, func.max(Escalation.level), func.count())
                   .join(Escalation, Escalation.ticket_id == Ticket.id)
                   .where(Ticket.status.in_(list(waiting_on)))
                   .group_by(Ticket.id, Escalation.kind, Escalation.cycle)).all()
    tickets, total, top = {}, defaultdict(int), defaultdict(int)
    for ticket, kind, cycle, level, count in rows:
        tickets[ticket.id] = ticket
        total[ticket.id] += count
        if cycle == ticket.cycle and kind == waiting_on[ticket.status]:
            top[ticket.id] = level
    chased = []
    for ticket_id, ticket in tickets.items():
        policy, ladder = Policy.of(ticket), waiting_on[ticket.status]
        if total[ticket_id] >= policy.max_escalations or (
                ticket_id in top and top[ticket_id] >= policy.last_level(ladder)):
            chased.append(_chased(db, ticket, ladder))
    return sorted(chased, key=lambda c: c.since)


def _chased(db: Session, ticket: Ticket, ladder: str) -> Chased:
    held = current_holders(db, [ticket.id]).get(ticket.id, Holders())
    return Chased(ticket, "签收" if ladder == "accept" else "办结", list(held.late(ladder)),
                  utc(ticket.dispatched_at or ticket.created_at))
