"""What happened to each ticket, read from its audit log and 回访 rows: the raw material of every rate.

Times are taken from the audit log rather than the ticket's columns, because a re-dispatch
overwrites `dispatched_at` and clears `accepted_at`: the first dispatch, the first acceptance
and the first resolution are what the rates are about.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from core.clock import utc
from core.policy import Policy
from core.vocabulary import DONE_STATUSES
from models import AuditLog, Feedback, Ticket

CHUNK = 900  # ids per IN (...) clause


@dataclass
class Facts:
    """One ticket's milestones and outcome."""

    ticket: Ticket
    dispatched_at: datetime | None = None  # first dispatch
    accepted_at: datetime | None = None  # first acceptance
    accepted_by: str | None = None
    resolved_at: datetime | None = None  # first resolution
    resolved_by: str | None = None
    close_due: datetime | None = None  # the close deadline of the cycle it was first resolved in
    reopened: bool = False
    primary: list[str] = field(default_factory=list)  # asked to accept at the latest dispatch
    feedback: list[bool | None] = field(default_factory=list)  # None: no answer, 默认满意

    @property
    def cancelled(self) -> bool:
        return self.ticket.status == "cancelled"

    @property
    def done(self) -> bool:
        """办结: resolved, followed up or closed."""
        return self.ticket.status in DONE_STATUSES

    @property
    def handler(self) -> str | None:
        """承办人: who resolved it, else who accepted it, else the first person it is waiting for."""
        return self.resolved_by or self.accepted_by or (self.primary[0] if self.primary else None)

    @property
    def accept_limit(self) -> timedelta | None:
        return Policy.of(self.ticket).accept.limit if self.ticket.policy else None

    @property
    def accepted_on_time(self) -> bool:
        limit = self.accept_limit
        return bool(self.accepted_at and self.dispatched_at and limit is not None
                    and self.accepted_at - self.dispatched_at <= limit)

    @property
    def resolved_on_time(self) -> bool:
        return bool(self.resolved_at and self.close_due and self.resolved_at <= self.close_due)

    @property
    def accept_seconds(self) -> float | None:
        if self.accepted_at and self.dispatched_at:
            return (self.accepted_at - self.dispatched_at).total_seconds()
        return None

    @property
    def close_seconds(self) -> float | None:
        if self.resolved_at and self.dispatched_at:
            return (self.resolved_at - self.dispatched_at).total_seconds()
        return None


def load_facts(db: Session, tickets: list[Ticket]) -> list[Facts]:
    """Facts for these tickets, in the same order."""
    facts = {t.id: Facts(t) for t in tickets}
    ids = list(facts)
    last_dispatch: dict[int, datetime] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        for entry in db.exec(select(AuditLog).where(AuditLog.ticket_id.in_(chunk)).order_by(AuditLog.id)).all():
            _apply(facts[entry.ticket_id], entry, last_dispatch)
        for row in db.exec(select(Feedback).where(Feedback.ticket_id.in_(chunk)).order_by(Feedback.id)).all():
            facts[row.ticket_id].feedback.append(row.satisfied)
    return list(facts.values())


def _apply(f: Facts, entry: AuditLog, last_dispatch: dict[int, datetime]) -> None:
    at = utc(entry.at)
    if entry.to_status == "dispatched":
        f.dispatched_at = f.dispatched_at or at
        last_dispatch[f.ticket.id] = at
        f.primary = list((entry.data or {}).get("assignees") or [])
    elif entry.to_status == "accepted" and f.accepted_at is None:
        f.accepted_at, f.accepted_by = at, entry.actor
    elif entry.to_status == "resolved" and f.resolved_at is None:
        f.resolved_at, f.resolved_by = at, entry.actor
        if f.ticket.policy and f.ticket.id in last_dispatch:
            f.close_due = last_dispatch[f.ticket.id] + Policy.of(f.ticket).close.limit
    elif entry.to_status == "reopened":
        f.reopened = True
