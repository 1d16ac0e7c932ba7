"""What is late on a ticket and on whom: the ladder it waits on, its holders, the alert's words."""
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from core.clock import utc
from dispatch import texts
from dispatch.context import Deps
from dispatch.policy import Policy
from models import Assignment, Ticket

# Which statuses still need the ladder: not yet accepted, or accepted and not yet closed.
# One ladder at a time: the close ladder is started at 签收 and alerts only from then on.
WAITING = {"accept": ("dispatched", "returned"), "close": ("accepted", "in_progress")}


@dataclass(frozen=True)
class Holders:
    """Who holds a ticket now: the primary assignees, and who of the holders accepted it."""

    primary: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()

    def late(self, ladder: str) -> tuple[str, ...]:
        """Who the ladder waits on: the acceptors for 办结, the primary assignees for 签收."""
        return (self.accepted or self.primary) if ladder == "close" else self.primary


def waits(ticket: Ticket, ladder: str, cycle: int) -> bool:
    """The ticket is still, in this cycle, waiting on this ladder."""
    return ticket.status in WAITING[ladder] and ticket.cycle == cycle


def describe(deps: Deps, ticket: Ticket, ladder: str, level: int, holders: Holders,
             now: datetime) -> tuple[str, dict | None, str]:
    """The alert for a rung as things stand now: its text, its card, and its line in a summary."""
    policy = Policy.of(ticket)
    steps = policy.ladder(ladder)
    late = [deps.member_name(m) for m in holders.late(ladder)]
    elapsed = now - utc(ticket.dispatched_at or now)
    repeat = (level - steps.top, policy.max_repeats) if level > steps.top else None
    text, card = texts.overdue_alert(ticket, ladder, elapsed, steps.limit, late, level >= steps.top, repeat)
    return text, card, texts.overdue_line(ticket, ladder, elapsed, steps.limit, late)


def current_holders(db: Session, ticket_ids: list[int]) -> dict[int, Holders]:
    """Each ticket's holders now (tickets nobody holds are left out)."""
    rows = db.exec(select(Assignment.ticket_id, Assignment.member_id, Assignment.role, Assignment.accepted_at)
                   .where(Assignment.ticket_id.in_(set(ticket_ids)), Assignment.active)
                   .order_by(Assignment.id)).all()
    found: dict[int, Holders] = {}
    for ticket_id, member_id, role, accepted_at in rows:
        h = found.get(ticket_id, Holders())
        found[ticket_id] = Holders(h.primary + ((member_id,) if role == "primary" else ()),
                                   h.accepted + ((member_id,) if accepted_at else ()))
    return found
