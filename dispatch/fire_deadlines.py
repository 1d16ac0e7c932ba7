"""The ticker's dispatch step: claim due deadlines and do what each kind means."""
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session, select

from core.faults import crash_point
from dispatch import deadlines, followup, notices, silence, transfers
from dispatch.assign import route_and_dispatch
from dispatch.context import Deps
from dispatch.escalation import fire_ladder, fire_ladders
from dispatch.policy import LADDERS
from models import Deadline, Ticket
from models.store import session

log = logging.getLogger(__name__)
RETRY = timedelta(seconds=30)
# Another package's deadline kind; it runs after the deadline is marked fired, in its own
# transactions, and must be safe to run again (it is, if it raises).
Handler = Callable[[Deadline, datetime], bool]


def tick(deps: Deps, now: datetime, handlers: dict[str, Handler]) -> int:
    """Fire every deadline due by `now` once; return how many fired.

    Claims batch after batch until the backlog is drained or one ticker interval is spent, so
    a burst of due deadlines does not wait one interval per batch.
    """
    batch, budget = deps.settings.ticker.batch, deps.settings.ticker.interval.total_seconds()
    started, fired = time.perf_counter(), 0
    while True:
        ids = deadlines.claim(deps.engine, now, deps.instance, batch)
        if ids:
            crash_point("tick.claimed")  # claimed (committed with a lease), nothing fired yet
            fired += _fire_batch(deps, ids, now, handlers)
        if len(ids) < batch or time.perf_counter() - started > budget:
            return fired


def _fire_batch(deps: Deps, ids: list[int], now: datetime, handlers: dict[str, Handler]) -> int:
    """Fire one claimed batch in one transaction: ladder rungs together, other kinds one by one."""
    fired, foreign = 0, []
    with session(deps.engine) as db:
        due = deadlines.take(db, ids, deps.instance, now)
        # Locked (PostgreSQL) in id order, so a worker's 接单 and a take-back cannot interleave.
        tickets = {t.id: t for t in db.exec(select(Ticket).where(
            Ticket.id.in_({d.ticket_id for d in due if d.ticket_id is not None}))
            .order_by(Ticket.id).with_for_update()).all()}
        ladder: list[Deadline] = []
        single: list[Deadline] = []
        pushes: list[Deadline] = []
        for deadline in due:
            ticket = tickets.get(deadline.ticket_id)
            if deadline.kind in handlers:
                foreign.append(deadline)
            elif deadline.kind == notices.KIND:
                pushes.append(deadline)
            elif ticket is not None and deadline.cycle == ticket.cycle:  # else stale: a later cycle runs
                (ladder if deadline.kind in LADDERS else single).append(deadline)
        fired += _climb(deps, db, ladder, tickets, now)
        for deadline in pushes:  # after the rungs: a push due now carries this batch's notices too
            fired += _guarded(deps, db, deadline, now,
                              lambda d=deadline: notices.flush_subject(deps, db, d.subject, now))
        for deadline in single:
            fired += _guarded(deps, db, deadline, now,
                              lambda d=deadline: _fire(deps, db, d, tickets[d.ticket_id], now))
        db.commit()
    for deadline in foreign:
        try:
            fired += bool(handlers[deadline.kind](deadline, now))
        except Exception:
            log.exception("deadline handler failed", extra={"deadline_id": deadline.id})
            deadlines.retry(deps.engine, deadline.id, now + RETRY)
    return fired


def _climb(deps: Deps, db: Session, ladder: list[Deadline], tickets: dict[int, Ticket], now: datetime) -> int:
    """All rungs of the batch in a few statements; if that fails, each rung on its own."""
    if not ladder:
        return 0
    try:
        with db.begin_nested():
            return fire_ladders(deps, db, ladder, tickets, now)
    except Exception:
        log.exception("escalation batch failed; firing one by one", extra={"count": len(ladder)})
    return sum(_guarded(deps, db, d, now, lambda d=d: fire_ladder(deps, db, d, tickets[d.ticket_id], now))
               for d in ladder)


def _guarded(deps: Deps, db: Session, deadline: Deadline, now: datetime, fire: Callable[[], bool]) -> int:
    """Fire inside a savepoint; a failure undoes only this deadline's effects and retries it later."""
    try:
        with db.begin_nested():
            return int(bool(fire()))
    except Exception:
        log.exception("deadline failed", extra={"deadline_id": deadline.id, "kind": deadline.kind})
        deadlines.put_back(db, deadline.id, now + RETRY)
        return 0


def _fire(deps: Deps, db: Session, deadline: Deadline, ticket: Ticket, now: datetime) -> bool:
    if deadline.cycle != ticket.cycle:
        return False  # an earlier deadline of this batch moved the ticket to a new cycle
    if deadline.kind == "remind":
        return silence.remind(deps, db, ticket, now)
    if deadline.kind == "silent":
        return silence.take_back(deps, db, ticket, now)
    if deadline.kind == "handback":
        return _hand_back(deps, db, ticket, now)
    if deadline.kind == "followup":
        return followup.ask(deps, db, ticket, now)
    if deadline.kind == "followup_close":
        return followup.close_by_default(deps, db, ticket, now)
    if deadline.kind == transfers.KIND:
        return transfers.overdue(deps, db, ticket, now)
    log.warning("no handler for deadline kind", extra={"kind": deadline.kind})
    return False


HAND_BACK_NOTE = "工作时间开始，移交网格办理"


def _hand_back(deps: Deps, db: Session, ticket: Ticket, now: datetime) -> bool:
    """Start of the working day: a non-police matter nobody took overnight goes to its grid."""
    if ticket.status != "dispatched":
        return False
    route_and_dispatch(deps, db, ticket, now, reason=HAND_BACK_NOTE)
    return True
