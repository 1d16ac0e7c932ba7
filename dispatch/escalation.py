"""Climbing the ladder: a due accept/close deadline alerts the next level, exactly once.

Each rung is planned in Python (who, what text, whether to repeat), then written: the
Escalation row first, its UNIQUE (ticket, ladder, level, cycle) deciding whether this
claimer climbs the rung, then the alerts in the same transaction. A whole claimed batch is
written with a few multi-row statements, which keeps a burst of 1,000 due rungs under a second.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from core.clock import utc
from dispatch import bulk, outbox, texts
from dispatch.context import Deps
from dispatch.policy import Policy
from models import Assignment, Deadline, Escalation, Outbox, Ticket

# Which statuses still need the ladder: not yet accepted, or accepted and not yet closed.
# One ladder at a time: the close ladder is started at 签收 and alerts only from then on.
WAITING = {"accept": ("dispatched", "returned"), "close": ("accepted", "in_progress")}


@dataclass
class Rung:
    """One planned escalation: its row, its alerts and the next repeat, not yet written."""

    key: tuple  # (ticket_id, ladder, level, cycle): the UNIQUE key
    notified: list[str]
    messages: list[dict] = field(default_factory=list)  # Outbox rows
    repeat: dict | None = None  # the Deadline row of the next 督办 repeat


@dataclass(frozen=True)
class Holders:
    """Who holds a ticket now: the primary assignees, and who of the holders accepted it."""

    primary: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()

    def late(self, ladder: str) -> tuple[str, ...]:
        """Who the ladder waits on: the acceptors for 办结, the primary assignees for 签收."""
        return (self.accepted or self.primary) if ladder == "close" else self.primary


def plan(deps: Deps, deadline: Deadline, ticket: Ticket, holders: Holders, now: datetime) -> Rung | None:
    """What climbing this rung means; None if the ticket no longer waits on this ladder."""
    ladder = deadline.kind
    if ticket.status not in WAITING[ladder]:
        return None
    policy = Policy.of(ticket)
    steps, level = policy.ladder(ladder), deadline.level
    if level > policy.last_level(ladder):
        return None  # repeats are bounded: from here on the daily 督办 list carries the ticket
    late = holders.late(ladder)
    people = _alerted(deps, policy, ladder, level, ticket, exclude={*late, *holders.primary})
    elapsed = now - (utc(ticket.dispatched_at) if ticket.dispatched_at else now)
    repeat = (level - steps.top, policy.max_repeats) if level > steps.top else None
    text, card = texts.overdue_alert(ticket, ladder, elapsed, steps.limit, [deps.member_name(m) for m in late],
                                     level >= steps.top, repeat)
    key = f"t{ticket.id}:c{ticket.cycle}:esc:{ladder}:{level}"
    rung = Rung((ticket.id, ladder, level, ticket.cycle), people)
    rung.messages = [outbox.row(key=f"{key}:{m}", audience="member", recipient=m, text=text, card=card, now=now,
                                ticket_id=ticket.id) for m in people]
    if level >= steps.top and "supervisor" in steps.step(level).notify:
        rung.messages.append(outbox.row(key=f"{key}:group", audience="supervisors_group", recipient="supervisors",
                                        text=text, now=now, ticket_id=ticket.id))
    if steps.top <= level < policy.last_level(ladder):
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


def _budget(db: Session, tickets: dict[int, Ticket], ticket_ids: list[int]) -> dict[int, int]:
    """How many more rungs each ticket may climb in its whole life (all ladders, all cycles)."""
    climbed = dict(db.exec(select(Escalation.ticket_id, func.count()).where(Escalation.ticket_id.in_(set(ticket_ids)))
                           .group_by(Escalation.ticket_id)).all())
    return {i: Policy.of(tickets[i]).max_escalations - climbed.get(i, 0) for i in set(ticket_ids)}
