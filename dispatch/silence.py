"""Accepted but silent: remind the acceptor before the close deadline, take the ticket back on no answer."""
from datetime import datetime

from sqlmodel import Session

from core.clock import utc
from dispatch import deadlines, texts
from dispatch.assign import holders, route_and_dispatch
from dispatch.context import Deps
from dispatch.lifecycle import audit
from dispatch.policy import Policy
from models import Ticket, outbox


def schedule_reminder(db: Session, ticket: Ticket, now: datetime) -> None:
    """At 签收: plan the reminder `remind_before_close` ahead of the close deadline.

    A short close deadline (emergencies: 1 h, reminder 2 h ahead) gets its reminder halfway
    through the time left instead; a ticket accepted after its close deadline gets none, since
    the close ladder is already alerting the leaders.
    """
    policy = Policy.of(ticket)
    close_due = utc(ticket.dispatched_at or now) + policy.close.limit
    if close_due <= now:
        return
    remind_at = max(close_due - policy.remind_before_close, now + (close_due - now) / 2)
    deadlines.schedule(db, kind="remind", ticket_id=ticket.id, cycle=ticket.cycle, due_at=remind_at)


def remind(deps: Deps, db: Session, ticket: Ticket, now: datetime) -> bool:
    """Remind the acceptor who has not reported arrival or closure, and start the window to answer."""
    if ticket.status != "accepted":
        return False  # 到场 or 办结 was the answer
    window = Policy.of(ticket).silent_window
    outbox.to_members(db, _acceptors(db, ticket), key=f"t{ticket.id}:c{ticket.cycle}:remind",
                      text=texts.silent_reminder(ticket, window), now=now, ticket_id=ticket.id)
    deadlines.schedule(db, kind="silent", ticket_id=ticket.id, cycle=ticket.cycle, due_at=now + window)
    return True


def take_back(deps: Deps, db: Session, ticket: Ticket, now: datetime) -> bool:
    """No answer to the reminder: un-accept and dispatch again (a new cycle with its own ladders)."""
    if ticket.status != "accepted":
        return False
    acceptors = _acceptors(db, ticket)
    audit(db, ticket.id, "system", "unaccepted", now, from_status="accepted", note="签收后无响应，收回重派",
          acceptors=acceptors)
    outbox.to_members(db, acceptors, key=f"t{ticket.id}:c{ticket.cycle}:taken_back",
                      text=f"【工单收回】{texts.headline(ticket)}\n签收后无响应，已收回重派。", now=now,
                      ticket_id=ticket.id)
    route_and_dispatch(deps, db, ticket, now, reason="签收后无响应，收回重派", told=tuple(acceptors))
    return True


def _acceptors(db: Session, ticket: Ticket) -> list[str]:
    return [a.member_id for a in holders(db, ticket.id) if a.accepted_at]
