"""The ticket state machine: which moves are allowed, each one written to the audit log."""
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from core.vocabulary import Status
from models import AuditLog, Ticket

S = Status
ALLOWED: dict[str, set[Status]] = {  # keyed by the stored string (Status hashes like it)
    S.NEW: {S.DISPATCHED, S.CANCELLED},
    S.DISPATCHED: {S.ACCEPTED, S.RETURNED, S.TRANSFERRED, S.CANCELLED, S.DISPATCHED, S.RESOLVED, S.CLOSED},
    S.ACCEPTED: {S.IN_PROGRESS, S.RESOLVED, S.RETURNED, S.TRANSFERRED, S.DISPATCHED, S.CLOSED},
    S.IN_PROGRESS: {S.RESOLVED, S.RETURNED, S.TRANSFERRED, S.DISPATCHED, S.CLOSED},
    S.RETURNED: {S.DISPATCHED, S.TRANSFERRED, S.CANCELLED, S.CLOSED},
    S.TRANSFERRED: {S.DISPATCHED},
    S.RESOLVED: {S.FOLLOWED_UP, S.REOPENED, S.CLOSED},
    S.FOLLOWED_UP: {S.CLOSED, S.REOPENED},
    S.REOPENED: {S.DISPATCHED},
    S.CLOSED: set(),
    S.CANCELLED: set(),
}


_AUDIT = insert(AuditLog.__table__)


class IllegalMove(ValueError):
    """The ticket cannot go from its status to the one asked for."""


class Refused(Exception):
    """The action cannot be done as asked; the message says what to send instead."""


def audit(db: Session, ticket_id: int | None, actor: str, action: str, now: datetime, *,
          from_status: str | None = None, to_status: str | None = None, note: str = "", **data: Any) -> None:
    """Append one audit entry."""
    # Core, the statement built once: every report writes one or two, and the ORM's unit of work cost a flush each
    db.connection().execute(_AUDIT, dict(ticket_id=ticket_id, actor=actor, action=action, from_status=from_status,
                                         to_status=to_status, note=note, data=data, at=now))


def move(db: Session, ticket: Ticket, to_status: str, actor: str, now: datetime, *,
         action: str | None = None, note: str = "", **data: Any) -> None:
    """Change status if allowed, stamp the times, and audit who, when, from what and why."""
    before = ticket.status
    if to_status not in ALLOWED.get(before, set()):
        raise IllegalMove(f"{before} → {to_status}")
    ticket.status, ticket.updated_at = to_status, now
    stamp = {"dispatched": "dispatched_at", "accepted": "accepted_at", "resolved": "resolved_at",
             "closed": "closed_at"}.get(to_status)
    if stamp:
        setattr(ticket, stamp, now)
    db.add(ticket)
    audit(db, ticket.id, actor, action or to_status, now, from_status=before, to_status=to_status, note=note, **data)
