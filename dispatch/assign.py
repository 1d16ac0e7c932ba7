"""Hand a ticket to people: assignments, deadlines for this cycle, and the pushes."""
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from core.clock import utc
from dispatch import cards, deadlines, handover, texts
from dispatch.context import Deps
from dispatch.lifecycle import move
from dispatch.policy import Policy
from dispatch.routing import Plan, plan_route
from models import Assignment, Ticket, outbox


def route_and_dispatch(deps: Deps, db: Session, ticket: Ticket, now: datetime, actor: str = "system",
                       reason: str = "", needs_human: bool = False, told: tuple[str, ...] = ()) -> Plan:
    """Plan the route for the ticket as it stands and dispatch it."""
    plan = plan_for(deps, db, ticket, now, needs_human)
    dispatch(deps, db, ticket, plan, now, actor=actor, reason=reason, told=told)
    return plan


def plan_for(deps: Deps, db: Session, ticket: Ticket, now: datetime, needs_human: bool = False) -> Plan:
    """The route for the ticket as it stands; once in the human triage queue it stays there
    until someone there transfers it (re-dispatch after silence or 不满意 goes back to the desk)."""
    return plan_route(db, deps.directory, deps.calendar, kind=ticket.kind, urgency=ticket.urgency,
                      area=deps.directory.area(ticket.grid_id), needs_human=needs_human or ticket.route == "triage",
                      now=now)


def dispatch(deps: Deps, db: Session, ticket: Ticket, plan: Plan, now: datetime, *, actor: str = "system",
             reason: str = "", told: tuple[str, ...] = ()) -> None:
    """End the current assignments, assign the plan's people, start this cycle's deadlines, push.

    A re-dispatch carries its story to the new holders, tells the holders it leaves (except
    those in `told`, whom the caller has told already) and the reporters waiting for it.
    """
    before, previous, told_story = ticket.status, [], handover.Story()
    if before != "new":  # a brand-new ticket has no deadlines or assignments to end
        told_story = handover.story(deps, db, ticket, actor, reason)
        ticket.cycle += 1  # a new cycle: old deadlines are void, escalations may happen again
        deadlines.void(db, ticket.id)
        previous = list(db.exec(select(Assignment).where(Assignment.ticket_id == ticket.id, Assignment.active)).all())
        for old in previous:
            old.active, old.ended_at, old.end_reason = False, now, reason or "redispatched"
            db.add(old)
    for role, people in (("primary", plan.primary), ("cc", plan.cc)):
        for member_id in people:
            db.add(Assignment(ticket_id=ticket.id, member_id=member_id, role=role, assigned_at=now))
    ticket.route = plan.route
    ticket.accepted_at = None
    move(db, ticket, "dispatched", actor, now, note=reason, route=plan.route,
         assignees=plan.primary, cc=plan.cc, page=plan.page)
    _start_deadlines(deps, db, ticket, plan, now)
    if before != "new":  # before the new cards are written: only the old ones are retired
        cards.handed_over(db, ticket.id, plan.primary + plan.cc,
                          "、".join(deps.member_name(m) for m in plan.primary[:2]) or "值班室", now)
    _push(db, ticket, plan, now, told_story)
    if before != "new":
        handover.tell_left(deps, db, ticket, [a for a in previous if a.member_id not in told], plan.primary + plan.cc,
                           told_story, actor, now)
        if before != "reopened" and set(plan.primary) != {a.member_id for a in previous if a.role == "primary"}:
            handover.tell_reporters_handed(deps, db, ticket, plan.primary, now)  # (不满意 hears it in its answer)


def _start_deadlines(deps: Deps, db: Session, ticket: Ticket, plan: Plan, now: datetime) -> None:
    for level, step in enumerate(Policy.of(ticket).accept.steps):  # the close ladder waits for 签收
        deadlines.schedule(db, kind="accept", ticket_id=ticket.id, level=level, cycle=ticket.cycle,
                           due_at=now + step.after)
    if plan.route == "duty_offhours" and ticket.kind == "non_police" and ticket.grid_id:
        deadlines.schedule(db, kind="handback", ticket_id=ticket.id, cycle=ticket.cycle,
                           due_at=deps.calendar.next_start(now))


def start_close_ladder(db: Session, ticket: Ticket, now: datetime) -> None:
    """At 签收: the close ladder's rungs, each at its time after dispatch (the 办结 deadline counts from there).

    Rungs already past when the ticket is accepted late are folded into the highest of them,
    due one silent window after acceptance: the acceptor gets a moment before their leaders hear.
    """
    policy = Policy.of(ticket)
    dispatched = utc(ticket.dispatched_at or now)
    due = [(level, dispatched + step.after) for level, step in enumerate(policy.close.steps)]
    passed = [level for level, at in due if at <= now]
    for level, at in due:
        if not passed or level >= passed[-1]:
            deadlines.schedule(db, kind="close", ticket_id=ticket.id, level=level, cycle=ticket.cycle,
                               due_at=max(at, now + policy.silent_window) if passed else at)


def _push(db: Session, ticket: Ticket, plan: Plan, now: datetime, told: handover.Story) -> None:
    accept_within = Policy.of(ticket).accept.limit
    key = f"t{ticket.id}:c{ticket.cycle}:task"
    text, card = texts.task_card(ticket, accept_within, story=told.lines, nth=told.round)
    outbox.to_members(db, plan.primary, key=key, text=text, card=card, now=now, ticket_id=ticket.id)
    cc_text, cc_card = texts.task_card(ticket, None, cc=True, story=told.lines, nth=told.round)
    outbox.to_members(db, plan.cc, key=key, text=cc_text, card=cc_card, now=now, ticket_id=ticket.id)
    if plan.page:
        outbox.to_members(db, plan.page, key=f"t{ticket.id}:c{ticket.cycle}:page", text=texts.emergency_page(ticket),
                          now=now, ticket_id=ticket.id)


_HOLDERS = select(Assignment).where(Assignment.ticket_id == bindparam("ticket_id"), Assignment.active)  # built once


def holders(db: Session, ticket_id: int) -> list[Assignment]:
    """The ticket's active assignments, primary first."""
    rows = db.exec(_HOLDERS, params={"ticket_id": ticket_id}).all()
    return sorted(rows, key=lambda a: (a.role != "primary", a.id))
