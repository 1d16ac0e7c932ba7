"""The ticket state machine: which moves are allowed, each one written to the audit log."""
from datetime import datetime

from sqlmodel import Session

from models import AuditLog, Ticket

ALLOWED = {
    "new": {"dispatched", "cancelled"},
    "dispatched": {"accepted", "returned", "transferred", "cancelled", "dispatched", "resolved", "closed"},
    "accepted": {"in_progress", "resolved", "returned", "transferred", "dispatched", "closed"},
    "in_progress": {"resolved", "returned", "transferred", "dispatched", "closed"},
    "returned": {"dispatched", "transferred", "cancelled", "closed"},
    "transferred": {"dispatched"},
    "resolved": {"followed_up", "reopened", "closed"},
    "followed_up": {"closed", "reopened"},
    "reopened": {"dispatched"},
    "closed": set(),
    "cancelled": set(),
}


class IllegalMove(ValueError):
    """The ticket cannot go from its status to the one asked for."""


class Refused(Exception):
    """The action cannot be done as asked; the message says what to send instead."""


def audit(db: Session, ticket_id: int | None, actor: str, action: str, now: datetime, *,
          from_status: str | None = None, to_status: str | None = None, note: str = "", **data) -> None:
    """Append one audit entry."""
    db.add(AuditLog(ticket_id=ticket_id, actor=actor, action=action, from_status=from_status,
                    to_status=to_status, note=note, data=data, at=now))


def move(db: Session, ticket: Ticket, to_status: str, actor: str, now: datetime, *,
         action: str | None = None, note: str = "", **data) -> None:
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
