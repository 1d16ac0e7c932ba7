"""Deadlines are rows: scheduled in the ticket's transaction, claimed by the ticker when due.

Claiming (models.rows.claim_rows) skips rows another instance holds. A claim carries a lease: rows of a
claimer that crashed become claimable again when it runs out. Firing re-checks the claim
in the same transaction as the effects, so a deadline's effects commit exactly once.
"""
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import Deadline
from models.rows import claim_rows
from models.store import session

LEASE = timedelta(seconds=60)
TICKET_KINDS = ("accept", "close", "remind", "silent", "handback", "followup", "followup_close", "transfer")


def schedule(db: Session, *, kind: str, due_at: datetime, ticket_id: int | None = None, level: int = 0,
             cycle: int = 0, subject: str | None = None, data: dict[str, Any] | None = None) -> Deadline:
    """Add a pending deadline."""
    row = Deadline(ticket_id=ticket_id, kind=kind, level=level, cycle=cycle, subject=subject,
                   due_at=due_at, status="pending", data=data or {})
    db.add(row)
    return row


def void(db: Session, ticket_id: int, kinds: tuple[str, ...] = TICKET_KINDS) -> None:
    """Cancel a ticket's pending deadlines of these kinds (resolved, cancelled, re-dispatched...)."""
    db.exec(update(Deadline).where(Deadline.ticket_id == ticket_id, Deadline.kind.in_(kinds),
                                   Deadline.status.in_(("pending", "claimed"))).values(status="void"))


def claim(engine: Engine, now: datetime, claimer: str, batch: int) -> list[int]:
    """Claim up to `batch` due deadlines (and expired claims); return their ids."""
    due = or_(and_(Deadline.status == "pending", Deadline.due_at <= now),
              and_(Deadline.status == "claimed", Deadline.claimed_until < now))
    return claim_rows(engine, Deadline, due, dict(status="claimed", claimed_by=claimer, claimed_until=now + LEASE),
                      Deadline.due_at, batch)


def take(db: Session, ids: list[int], claimer: str, now: datetime) -> list[Deadline]:
    """Mark claimed deadlines fired in the current transaction; return those still ours, by due time.

    A row another claimer took over after our lease ran out is skipped: its effects are theirs.
    """
    if not ids:
        return []
    taken = db.connection().execute(update(Deadline).where(Deadline.id.in_(ids), Deadline.status == "claimed",
                                                           Deadline.claimed_by == claimer)
                                    .values(status="fired", fired_at=now).returning(Deadline.id)).scalars().all()
    if not taken:
        return []
    rows = db.exec(select(Deadline).where(Deadline.id.in_(taken))
                   .execution_options(populate_existing=True)).all()
    return sorted(rows, key=lambda d: (d.due_at, d.id))


def put_back(db: Session, deadline_id: int, retry_at: datetime) -> None:
    """A deadline whose firing failed goes back to pending, to be tried again at `retry_at`.

    Done in the firing transaction, so a crash before the commit leaves it claimed (and
    claimable after the lease) rather than fired with nothing done.
    """
    db.connection().execute(update(Deadline).where(Deadline.id == deadline_id)
                            .values(status="pending", due_at=retry_at, claimed_by=None, claimed_until=None,
                                    fired_at=None))


def retry(engine: Engine, deadline_id: int, retry_at: datetime) -> None:
    """Put a fired deadline whose (foreign) handler failed back to pending, in its own transaction."""
    with session(engine) as db:
        put_back(db, deadline_id, retry_at)
        db.commit()
