"""The ticker's dispatch step: claim due deadlines and do what each kind means."""
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session

from dispatch import deadlines, followup, outbox, texts
from dispatch.assign import holders, route_and_dispatch
from dispatch.context import Deps
from dispatch.escalation import fire_ladder
from dispatch.lifecycle import audit
from models import Deadline, Ticket
from models.store import session

log = logging.getLogger(__name__)
RETRY = timedelta(seconds=30)
# Another package's deadline kind; it runs after the deadline is marked fired, in its own
# transactions, and must be safe to run again (it is, if it raises).
Handler = Callable[[Deadline, datetime], bool]


def tick(deps: Deps, now: datetime, handlers: dict[str, Handler]) -> int:
    """Fire every due deadline once; a failing one goes back to pending for a later retry.

    A claimed batch is fired in one transaction (one commit, not one per deadline), each
    deadline inside its own savepoint so that one failure does not undo the others.
    """
    fired, failed, foreign = 0, [], []
    ids = deadlines.claim(deps.engine, now, deps.instance, deps.settings.ticker.batch)
    if not ids:
        return 0
    with session(deps.engine) as db:
        for deadline_id in ids:
            try:
                with db.begin_nested():
                    deadline = deadlines.take(db, deadline_id, deps.instance, now)
                    if deadline is None:
                        continue
                    if deadline.kind in handlers:
                        foreign.append(deadline)
                    else:
                        fired += bool(_fire(deps, db, deadline, now))
            except Exception:
                log.exception("deadline failed", extra={"deadline_id": deadline_id})
                failed.append(deadline_id)
        db.commit()
    for deadline in foreign:
        try:
            fired += bool(handlers[deadline.kind](deadline, now))
        except Exception:
            log.exception("deadline handler failed", extra={"deadline_id": deadline.id})
            failed.append(deadline.id)
    for deadline_id in failed:
        deadlines.retry(deps.engine, deadline_id, now + RETRY)
    return fired


def _fire(deps: Deps, db: Session, deadline: Deadline, now: datetime) -> bool:
    ticket = db.get(Ticket, deadline.ticket_id) if deadline.ticket_id else None
    if ticket is None or deadline.cycle != ticket.cycle:
        return False  # stale: the ticket moved on to another cycle
    if deadline.kind in ("accept", "close"):
        return fire_ladder(deps, db, deadline, ticket, now)
    if deadline.kind == "remind":
        return _remind_acceptor(deps, db, ticket, now)
    if deadline.kind == "silent":
        return _take_back(deps, db, ticket, now)
    if deadline.kind == "handback":
        return _hand_back(deps, db, ticket, now)
    if deadline.kind == "followup":
        return followup.ask(deps, db, ticket, now)
    if deadline.kind == "followup_close":
        return followup.close_by_default(deps, db, ticket, now)
    log.warning("no handler for deadline kind", extra={"kind": deadline.kind})
    return False


def _remind_acceptor(deps: Deps, db: Session, ticket: Ticket, now: datetime) -> bool:
    """Accepted but silent: remind the acceptor, and start the window to answer."""
    if ticket.status != "accepted":
        return False
    window = timedelta(seconds=ticket.policy["silent_window_s"])
    acceptors = [a.member_id for a in holders(db, ticket.id) if a.accepted_at]
    outbox.to_members(db, acceptors, key=f"t{ticket.id}:c{ticket.cycle}:remind",
                      text=texts.silent_reminder(ticket, window), now=now, ticket_id=ticket.id)
    deadlines.schedule(db, kind="silent", ticket_id=ticket.id, cycle=ticket.cycle, due_at=now + window)
    return True


def _take_back(deps: Deps, db: Session, ticket: Ticket, now: datetime) -> bool:
    """No answer to the reminder: un-accept and dispatch again."""
    if ticket.status != "accepted":
        return False
    acceptors = [a.member_id for a in holders(db, ticket.id) if a.accepted_at]
    audit(db, ticket.id, "system", "unaccepted", now, from_status="accepted", note="签收后无响应，收回重派",
          acceptors=acceptors)
    outbox.to_members(db, acceptors, key=f"t{ticket.id}:c{ticket.cycle}:taken_back",
                      text=f"【工单收回】{ticket.number} 签收后无响应，已收回重派。", now=now, ticket_id=ticket.id)
    route_and_dispatch(deps, db, ticket, now, reason="签收后无响应，收回重派")
    return True


def _hand_back(deps: Deps, db: Session, ticket: Ticket, now: datetime) -> bool:
    """Start of the working day: a non-police matter nobody took overnight goes to its grid."""
    if ticket.status != "dispatched":
        return False
    route_and_dispatch(deps, db, ticket, now, reason="工作时间开始，移交网格办理")
    return True
