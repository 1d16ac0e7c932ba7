"""Climbing the ladder: a due accept/close deadline alerts the next level, exactly once.

Each rung is planned in Python (who, whether to repeat), then written: the Escalation row
first, its UNIQUE (ticket, ladder, level, cycle) deciding whether this claimer climbs the
rung, then who is to hear of it (dispatch/notices.py: pushed at once, or held for quiet
hours and batching) in the same transaction. A whole claimed batch is written with a few
multi-row statements, which keeps a burst of 1,000 due rungs under a second.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from dispatch import bulk, notices
from dispatch.context import Deps
from dispatch.overdue import Holders, current_holders, waits
from dispatch.policy import Policy
from models import Deadline, Escalation, Ticket


@dataclass
class Rung:
    """One planned escalation: its row, who hears of it and the next repeat, not yet written."""

    key: tuple[int, str, int, int]  # (ticket_id, ladder, level, cycle): the UNIQUE key
    notified: list[str]
    emergency: bool
    reminder: timedelta | None = None  # a repeat of the top step: the ticket's repeat interval
    repeat: dict[str, Any] | None = None  # the Deadline row of the next 督办 repeat


def plan(deps: Deps, deadline: Deadline, ticket: Ticket, holders: Holders, now: datetime) -> Rung | None:
    """What climbing this rung means; None if the ticket no longer waits on this ladder."""
    ladder, level = deadline.kind, deadline.level
    if not waits(ticket, ladder, ticket.cycle):
        return None
    policy = Policy.of(ticket)
    if level > policy.last_level(ladder):
        return None  # repeats are bounded: from here on the daily 督办 list carries the ticket
    people = _alerted(deps, policy, ladder, level, ticket, exclude={*holders.late(ladder), *holders.primary})
    rung = Rung((ticket.id, ladder, level, ticket.cycle), people, policy.emergency,
                policy.repeat if level > policy.ladder(ladder).top else None)
    if policy.ladder(ladder).top <= level < policy.last_level(ladder):
        rung.repeat = dict(ticket_id=ticket.id, kind=ladder, level=level + 1, cycle=ticket.cycle, status="pending",
                           due_at=now + policy.repeat, data={"repeat": True})
    return rung


def _alerted(deps: Deps, policy: Policy, ladder: str, level: int, ticket: Ticket, exclude: set[str]) -> list[str]:
    """The step's people, less those the ladder waits on (nobody is asked to chase himself).

    When that leaves nobody (the officer is both the assignee and the step), the next step up
    is asked, and past the top the station's supervisors.
    """
    area = deps.directory.area(ticket.grid_id)
    steps = policy.ladder(ladder).steps
    for step in steps[min(level, len(steps) - 1):]:
        people = [m for m in deps.directory.members_for(list(step.notify), area) if m not in exclude]
        if people:
            return people
    return [m for m in deps.settings.station.supervisors if m not in exclude]


def fire_ladders(deps: Deps, db: Session, due: list[Deadline], tickets: dict[int, Ticket], now: datetime) -> int:
    """Climb every due rung of a claimed batch with a handful of statements; return how many climbed."""
    ids = [d.ticket_id for d in due]
    held, budget = current_holders(db, ids), _budget(db, tickets, ids)
    rungs = []
    for d in due:
        rung = plan(deps, d, tickets[d.ticket_id], held.get(d.ticket_id, Holders()), now)
        if rung is not None and budget[d.ticket_id] > 0:  # past the ticket's limit: the daily 督办 list
            budget[d.ticket_id] -= 1
            rungs.append(rung)
    if not rungs:
        return 0
    rungs.sort(key=lambda r: r.key)  # one lock order for every instance
    rows = [dict(ticket_id=r.key[0], kind=r.key[1], level=r.key[2], cycle=r.key[3], notified=r.notified,
                 fired_at=now) for r in rungs]
    climbed = set(bulk.insert_ignore_many(db, Escalation, rows, ["ticket_id", "kind", "level", "cycle"],
                                          returning=["ticket_id", "kind", "level", "cycle"]))
    mine = [r for r in rungs if r.key in climbed]  # the others were climbed by another claimer
    notices.hold(deps, db, [(r.key, r.notified, r.emergency, r.reminder) for r in mine], now)
    bulk.insert_many(db, Deadline, [r.repeat for r in mine if r.repeat])
    if deps.metrics:
        for r in mine:
            deps.metrics.escalations.labels(r.key[1]).inc()
    return len(mine)


def fire_ladder(deps: Deps, db: Session, deadline: Deadline, ticket: Ticket, now: datetime) -> bool:
    """Climb one rung (the careful path when a batch failed)."""
    return fire_ladders(deps, db, [deadline], {ticket.id: ticket}, now) == 1


def _budget(db: Session, tickets: dict[int, Ticket], ticket_ids: list[int]) -> dict[int, int]:
    """How many more rungs each ticket may climb in its whole life (all ladders, all cycles)."""
    climbed = dict(db.exec(select(Escalation.ticket_id, func.count()).where(Escalation.ticket_id.in_(set(ticket_ids)))
                           .group_by(Escalation.ticket_id)).all())
    return {i: Policy.of(tickets[i]).max_escalations - climbed.get(i, 0) for i in set(ticket_ids)}
