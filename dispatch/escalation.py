"""Climbing the ladder: a due accept/close deadline alerts the next level, exactly once.

Each rung is planned in Python (who, what text, whether to repeat), then written: the
Escalation row first, its UNIQUE (ticket, ladder, level, cycle) deciding whether this
claimer climbs the rung, then the alerts in the same transaction. A whole claimed batch is
written with a few multi-row statements, which keeps a burst of 1,000 due rungs under a second.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from core.clock import utc
from dispatch import bulk, outbox, texts
from dispatch.context import Deps
from dispatch.labels import OPEN_STATUSES
from dispatch.policy import Policy
from models import Assignment, Deadline, Escalation, Outbox, Ticket

# Which statuses still need the ladder: not yet accepted, or not yet closed.
WAITING = {"accept": ("dispatched", "returned"), "close": OPEN_STATUSES}


@dataclass
class Rung:
    """One planned escalation: its row, its alerts and the next repeat, not yet written."""

    key: tuple  # (ticket_id, ladder, level, cycle): the UNIQUE key
    notified: list[str]
    messages: list[dict] = field(default_factory=list)  # Outbox rows
    repeat: dict | None = None  # the Deadline row of the next 督办 repeat


def plan(deps: Deps, deadline: Deadline, ticket: Ticket, primary_names: list[str], now: datetime) -> Rung | None:
    """What climbing this rung means; None if the ticket no longer waits on this ladder."""
    ladder = deadline.kind
    if ticket.status not in WAITING[ladder]:
        return None
    policy = Policy.of(ticket)
    steps = policy.ladder(ladder)
    level = deadline.level
    step = steps.step(level)  # levels past the ladder repeat the top step
    top = level >= steps.top
    people = deps.directory.members_for(list(step.notify), deps.directory.area(ticket.grid_id))
    limit = steps.limit
    elapsed = now - (utc(ticket.dispatched_at) if ticket.dispatched_at else now)
    text, card = texts.overdue_alert(ticket, ladder, elapsed, limit, primary_names, top)
    key = f"t{ticket.id}:c{ticket.cycle}:esc:{ladder}:{level}"
    rung = Rung((ticket.id, ladder, level, ticket.cycle), people)
    rung.messages = [outbox.row(key=f"{key}:{m}", audience="member", recipient=m, text=text, card=card, now=now,
                                ticket_id=ticket.id) for m in people]
    if top and "supervisor" in step.notify:
        rung.messages.append(outbox.row(key=f"{key}:group", audience="supervisors_group", recipient="supervisors",
                                        text=text, now=now, ticket_id=ticket.id))
    if top:
        rung.repeat = dict(ticket_id=ticket.id, kind=ladder, level=level + 1, cycle=ticket.cycle, status="pending",
                           due_at=now + policy.repeat, data={"repeat": True})
    return rung


def fire_ladders(deps: Deps, db: Session, due: list[Deadline], tickets: dict[int, Ticket], now: datetime) -> int:
    """Climb every due rung of a claimed batch with a handful of statements; return how many climbed."""
    names = _primary_names(deps, db, [d.ticket_id for d in due])
    rungs = [r for d in due
             if (r := plan(deps, d, tickets[d.ticket_id], names.get(d.ticket_id, []), now)) is not None]
    if not rungs:
        return 0
    rungs.sort(key=lambda r: r.key)  # one lock order for every instance
    rows = [dict(ticket_id=r.key[0], kind=r.key[1], level=r.key[2], cycle=r.key[3], notified=r.notified,
                 fired_at=now) for r in rungs]
    climbed = set(bulk.insert_ignore_many(db, Escalation, rows, ["ticket_id", "kind", "level", "cycle"],
                                          returning=["ticket_id", "kind", "level", "cycle"]))
    mine = [r for r in rungs if r.key in climbed]  # the others were climbed by another claimer
    messages = sorted((m for r in mine for m in r.messages), key=lambda m: m["idem_key"])
    bulk.insert_ignore_many(db, Outbox, messages, ["idem_key"])
    bulk.insert_many(db, Deadline, [r.repeat for r in mine if r.repeat])
    if deps.metrics:
        for r in mine:
            deps.metrics.escalations.labels(r.key[1]).inc()
    return len(mine)


def fire_ladder(deps: Deps, db: Session, deadline: Deadline, ticket: Ticket, now: datetime) -> bool:
    """Climb one rung (the careful path when a batch failed)."""
    return fire_ladders(deps, db, [deadline], {ticket.id: ticket}, now) == 1


def _primary_names(deps: Deps, db: Session, ticket_ids: list[int]) -> dict[int, list[str]]:
    rows = db.exec(select(Assignment.ticket_id, Assignment.member_id)
                   .where(Assignment.ticket_id.in_(set(ticket_ids)), Assignment.active,
                          Assignment.role == "primary").order_by(Assignment.id)).all()
    names: dict[int, list[str]] = {}
    for ticket_id, member_id in rows:
        names.setdefault(ticket_id, []).append(deps.member_name(member_id))
    return names
