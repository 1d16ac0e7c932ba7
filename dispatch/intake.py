"""A triaged report becomes a ticket (or joins one), is routed, dispatched and answered."""
import uuid
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam
from sqlmodel import Session, select

from core.vocabulary import kind_of
from dispatch.api import AlsoInTransaction, Receipt, Report
from dispatch.assign import dispatch, plan_for
from dispatch.context import Deps
from dispatch.lifecycle import audit
from dispatch.merge import find_duplicate
from dispatch.policy import snapshot
from models import Assignment, Ticket, TicketReporter, outbox
from models.rows import insert_ignore
from models.store import session


class TicketHead(NamedTuple):
    """What a merge and a receipt read of a ticket: not the whole row, its JSON columns decoded for nothing."""

    id: int
    number: str
    kind: str | None
    route: str
    urgency: str


# Built once, as every report asks them: the ticket an earlier submission of the message made; the
# duplicate found, locked as the ORM's get(with_for_update) locked it; who holds it.
_HEAD = (Ticket.id, Ticket.number, Ticket.kind, Ticket.route, Ticket.urgency)
_SUBMITTED = (select(*_HEAD).join(TicketReporter, TicketReporter.ticket_id == Ticket.id)
              .where(TicketReporter.inbox_id == bindparam("inbox_id")))
_LOCKED = select(*_HEAD).where(Ticket.id == bindparam("ticket_id")).with_for_update()
_PRIMARY = (select(Assignment.member_id)
            .where(Assignment.ticket_id == bindparam("ticket_id"), Assignment.active, Assignment.role == "primary")
            .order_by(Assignment.id))


def submit(deps: Deps, report: Report, also: AlsoInTransaction | None = None) -> Receipt:
    """Create or merge the ticket for a report, in one transaction (with the caller's `also`, if given)."""
    now = deps.clock.now()
    triage = report.triage
    area = deps.directory.area(report.grid_id or triage.grid_id)
    place = report.place or triage.location
    category = triage.category
    kind = triage.kind or kind_of(category)
    urgency = triage.urgency or "normal"
    unsure = bool(triage.needs_human) or triage.confidence < deps.settings.intake.triage_min_confidence
    with session(deps.engine) as db:
        earlier = _already_submitted(db, report.inbox_id)
        if earlier is not None:  # the same stored message again (processed, then the process died before answering)
            return _commit(db, _receipt(deps, db, earlier, merged=False), also)
        duplicate = find_duplicate(db, grid_id=area.area_id if area else None, category=category,
                                   text=report.text, place=place, now=now,
                                   window=deps.settings.intake.duplicate_window)
        if duplicate is not None:
            return _merge(deps, db, TicketHead(*db.exec(_LOCKED, params={"ticket_id": duplicate}).one()), report,
                          now, also)
        ticket = Ticket(number=f"pending-{uuid.uuid4().hex}", status="new", kind=kind, category=category,
                        urgency=urgency, text=report.text, text_sealed=report.sealed, place=place,
                        grid_id=area.area_id if area else None, village_id=area.village_id if area else None,
                        triage=_triage_record(triage), created_at=now, updated_at=now)
        plan = plan_for(deps, db, ticket, now, needs_human=unsure)
        ticket.policy = snapshot(deps.settings, urgency, triage_queue=plan.route == "triage").to_json()
        db.add(ticket)
        db.flush()
        ticket.number = ticket_number(ticket.id, now.astimezone(deps.calendar.tz).date().isoformat())
        _add_reporter(db, ticket, report, now)
        audit(db, ticket.id, f"resident:{report.resident_id}", "reported", now, to_status="new",
              note=report.text[:200], channel=report.channel)
        dispatch(deps, db, ticket, plan, now, reason="新报事")
        receipt = _commit(db, Receipt(ticket.id, ticket.number, False, plan.route,
                                      [deps.member_name(m) for m in plan.primary], urgency == "emergency"), also)
    if deps.metrics:
        deps.metrics.tickets.labels(plan.route, kind or "unknown").inc()
    return receipt


def _commit(db: Session, receipt: Receipt, also: AlsoInTransaction | None) -> Receipt:
    """The caller's own writes join the ticket's transaction; if they raise, neither is kept."""
    if also is not None:
        also(db, receipt)
    db.commit()
    return receipt


def _merge(deps: Deps, db: Session, ticket: TicketHead, report: Report, now: datetime,
           also: AlsoInTransaction | None) -> Receipt:
    _add_reporter(db, ticket, report, now)
    audit(db, ticket.id, f"resident:{report.resident_id}", "merged", now, note=report.text[:200],
          channel=report.channel)
    primary = _primary(db, ticket.id)
    outbox.to_members(db, primary, key=f"t{ticket.id}:dup:r{report.resident_id}:i{report.inbox_id}",
                      text=f"【同一事项又有居民反映】{ticket.number}：{report.text[:120]}", now=now,
                      ticket_id=ticket.id)
    receipt = _commit(db, _receipt(deps, db, ticket, merged=True, primary=primary), also)
    if deps.metrics:
        deps.metrics.tickets.labels("merged", ticket.kind or "unknown").inc()
    return receipt


def _already_submitted(db: Session, inbox_id: int | None) -> TicketHead | None:
    if inbox_id is None:
        return None
    row = db.exec(_SUBMITTED, params={"inbox_id": inbox_id}).first()
    return TicketHead(*row) if row is not None else None


def _receipt(deps: Deps, db: Session, ticket: TicketHead, merged: bool, primary: list[str] | None = None) -> Receipt:
    primary = _primary(db, ticket.id) if primary is None else primary
    return Receipt(ticket.id, ticket.number, merged, ticket.route, [deps.member_name(m) for m in primary],
                   ticket.urgency == "emergency")


def _primary(db: Session, ticket_id: int) -> list[str]:
    """The ticket's active primary holders, as assign.holders orders them."""
    return list(db.exec(_PRIMARY, params={"ticket_id": ticket_id}).all())


def _add_reporter(db: Session, ticket: Ticket | TicketHead, report: Report, now: datetime) -> None:
    insert_ignore(db, TicketReporter, dict(ticket_id=ticket.id, resident_id=report.resident_id,
                                           inbox_id=report.inbox_id, chat_id=report.chat_id, created_at=now),
                  ["ticket_id", "resident_id"])


def ticket_number(ticket_id: int, local_date: str) -> str:
    """GW-20261124-0012: the Shanghai date and the id, so `接单 12` matches the number."""
    return f"GW-{local_date.replace('-', '')}-{ticket_id:04d}"


def _triage_record(triage: Any) -> dict[str, Any]:
    fields = ("is_report", "kind", "category", "urgency", "location", "confidence", "needs_human", "grid_id")
    record = {f: getattr(triage, f, None) for f in fields}
    record["reasons"] = [str(r) for r in getattr(triage, "reasons", ()) or ()]  # masked by the column
    return record
