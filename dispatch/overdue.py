"""What is late on a ticket and on whom: the ladder it waits on, its holders, the alert's words."""
from datetime import datetime
from typing import Any

from core.clock import utc
from dispatch import texts
from dispatch.context import Deps
from dispatch.policy import WAITING, Policy
from models import Ticket
from models.holding import Holders, current_holders

__all__ = ["WAITING", "Holders", "current_holders", "waits", "describe"]


def waits(ticket: Ticket, ladder: str, cycle: int) -> bool:
    """The ticket is still, in this cycle, waiting on this ladder."""
    return ticket.status in WAITING[ladder] and ticket.cycle == cycle


def describe(deps: Deps, ticket: Ticket, ladder: str, level: int, holders: Holders,
             now: datetime) -> tuple[str, dict[str, Any] | None, str]:
    """The alert for a rung as things stand now: its text, its card, and its line in a summary."""
    policy = Policy.of(ticket)
    steps = policy.ladder(ladder)
    late = [deps.member_name(m) for m in holders.late(ladder)]
    elapsed = now - utc(ticket.dispatched_at or now)
    repeat = (level - steps.top, policy.max_repeats) if level > steps.top else None
    text, card = texts.overdue_alert(ticket, ladder, elapsed, steps.limit, late, level >= steps.top, repeat)
    return text, card, texts.overdue_line(ticket, ladder, elapsed, steps.limit, late)
