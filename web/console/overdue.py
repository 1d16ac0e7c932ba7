"""How late an open ticket is, against the first step of the ladder it is waiting on."""
from dataclasses import dataclass
from datetime import datetime

from core.clock import utc
from core.policy import Policy
from models import Ticket

WAITING_ACCEPT = ("new", "dispatched", "returned", "transferred", "reopened")
WAITING_CLOSE = ("accepted", "in_progress")


@dataclass(frozen=True)
class Lateness:
    """What the ticket waits for, by when, and how late (negative: time left)."""

    waiting: str  # 签收 | 办结
    due: datetime
    late_s: float
    level: str  # ok | soon | late1 | late2 | late3 (the board's colours)


def lateness(ticket: Ticket, now: datetime) -> Lateness | None:
    """None for tickets that are not open."""
    if ticket.status in WAITING_ACCEPT:
        ladder, waiting = "accept", "签收"
    elif ticket.status in WAITING_CLOSE:
        ladder, waiting = "close", "办结"
    else:
        return None
    start = ticket.dispatched_at or ticket.created_at
    if not ticket.policy or start is None:
        return None
    limit = Policy.of(ticket).ladder(ladder).limit
    due = utc(start) + limit
    late = (now - due).total_seconds()
    return Lateness(waiting, due, late, _level(late, limit.total_seconds()))


def _level(late: float, limit: float) -> str:
    if late <= 0:
        return "soon" if -late < limit / 4 else "ok"
    if late <= limit:
        return "late1"
    return "late2" if late <= 3 * limit else "late3"
