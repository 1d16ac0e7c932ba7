"""Climbing the ladder: a due accept/close deadline alerts the next level, exactly once."""
from datetime import datetime, timedelta

from sqlmodel import Session

from core.clock import utc
from dispatch import deadlines, outbox, texts
from dispatch.assign import holders
from dispatch.context import Deps
from dispatch.labels import OPEN_STATUSES
from models import Deadline, Escalation, Ticket
from models.rows import insert_ignore

# Which statuses still need the ladder: not yet accepted, or not yet closed.
WAITING = {"accept": ("dispatched", "returned"), "close": OPEN_STATUSES}


def fire_ladder(deps: Deps, db: Session, deadline: Deadline, ticket: Ticket, now: datetime) -> bool:
    """Record the escalation (UNIQUE ticket, ladder, level, cycle) and alert its people."""
    ladder = deadline.kind
    if ticket.status not in WAITING[ladder]:
        return False
    steps = ticket.policy[ladder]
    level = deadline.level
    step = steps[min(level, len(steps) - 1)]  # levels past the ladder repeat the top step
    area = deps.directory.area(ticket.grid_id)
    people = deps.directory.members_for(step["notify"], area)
    inserted = insert_ignore(db, Escalation, dict(ticket_id=ticket.id, kind=ladder, level=level, cycle=ticket.cycle,
                                                  notified=people, fired_at=now),
                             ["ticket_id", "kind", "level", "cycle"])
    if not inserted:
        return False  # another claimer already climbed this rung
    top = level >= len(steps) - 1
    limit = timedelta(seconds=steps[0]["after_s"])
    elapsed = now - _dispatched_at(ticket, now)
    names = [deps.member_name(a.member_id) for a in holders(db, ticket.id) if a.role == "primary"]
    text = texts.overdue_alert(ticket, ladder, elapsed, limit, names, top)
    key = f"t{ticket.id}:c{ticket.cycle}:esc:{ladder}:{level}"
    outbox.to_members(db, people, key=key, text=text, now=now, ticket_id=ticket.id)
    if top and "supervisor" in step["notify"]:
        outbox.to_supervisors_group(db, key=key, text=text, now=now, ticket_id=ticket.id)
    if top:
        deadlines.schedule(db, kind=ladder, ticket_id=ticket.id, level=level + 1, cycle=ticket.cycle,
                           due_at=now + timedelta(seconds=ticket.policy["repeat_s"]), data={"repeat": True})
    if deps.metrics:
        deps.metrics.escalations.labels(ladder).inc()
    return True


def _dispatched_at(ticket: Ticket, now: datetime) -> datetime:
    return utc(ticket.dispatched_at) if ticket.dispatched_at else now
