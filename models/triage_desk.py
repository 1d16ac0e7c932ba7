"""What triage hands to people: 疑似报事 the machine would not call, and the corrections people make;
how a 疑似报事 is decided once, and the corrections read back as labelled rows for training and agreement.
"""
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, select

from models.columns import masked_json_field, masked_text, timestamp
from models.store import session


class SuspectReport(SQLModel, table=True):
    """A message that is probably not a report but could be one: the duty desk files or dismisses it."""

    id: int | None = Field(default=None, primary_key=True)
    inbox_id: int | None = Field(default=None, unique=True)  # one row per stored message, whatever retries
    resident_id: int = Field(foreign_key="resident.id")
    channel: str
    chat_id: str | None = None
    text: str = masked_text()
    text_sealed: str | None = None  # as written, sealed (core.privacy): 立案 hands it to the ticket
    triage: dict = masked_json_field()  # the model's call and its reasons
    status: str = Field(default="open", index=True)  # open | filed | ignored
    decided_by: str | None = None  # member id, or "resident" when the resident answered the bot
    ticket_id: int | None = None
    created_at: datetime | None = timestamp(index=True)
    decided_at: datetime | None = timestamp()


class TriageCorrection(SQLModel, table=True):
    """A person's labels for one message, where they differ from the machine's: a training example."""

    id: int | None = Field(default=None, primary_key=True)
    text: str = masked_text()
    is_report: bool
    kind: str | None = None
    category: str | None = None
    urgency: str | None = None
    location: str | None = masked_text(None)
    machine: dict = masked_json_field()  # what triage had said
    ticket_id: int | None = Field(default=None, index=True)
    suspect_id: int | None = None
    member_id: str
    created_at: datetime | None = timestamp(index=True)


def settle(db: Session, suspect_id: int, status: str, who: str, now: datetime, ticket_id: int | None = None,
           *, only_open: bool = True) -> bool:
    """Mark a 疑似报事 filed or ignored in the caller's transaction; False if someone decided it first."""
    statement = update(SuspectReport).where(SuspectReport.id == suspect_id)
    if only_open:  # two people at the desk: one decision wins, the UPDATE's WHERE says which
        statement = statement.where(SuspectReport.status == "open")
    db.flush()
    done = db.connection().execute(statement.values(status=status, decided_by=who, decided_at=now,
                                                    ticket_id=ticket_id))
    return done.rowcount == 1


def corrections(engine: Engine, since: datetime | None = None) -> list[dict[str, Any]]:
    """Corrections as labelled rows (`id` correction-N), oldest first; only those since `since` if given."""
    with session(engine) as db:
        query = select(TriageCorrection).order_by(TriageCorrection.id)
        if since is not None:
            query = query.where(TriageCorrection.created_at >= since)
        rows = db.exec(query).all()
    return [{"id": f"correction-{c.id}", "text": c.text, "is_report": c.is_report, "kind": c.kind,
             "category": c.category, "urgency": c.urgency, "location": c.location, "source": "corrections"}
            for c in rows if not c.is_report or (c.category and c.urgency)]


def last_30_days(now: datetime) -> datetime:
    """Where "the last 30 days" of corrections starts."""
    return now - timedelta(days=30)
