"""Deadlines as rows, and the escalations they caused (each exactly once)."""
from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import json_field, masked_json_field, timestamp


class Deadline(SQLModel, table=True):
    """Something that must happen by `due_at`; the ticker claims it when due."""

    __table_args__ = (Index("ix_deadline_due", "status", "due_at"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, index=True)
    kind: str  # accept | close | silent | followup | ask_place | handback | duty | digest
    level: int = 0  # index into the ladder for accept/close
    cycle: int = 0
    subject: str | None = None  # for deadlines not about a ticket (a resident, a duty)
    due_at: datetime | None = timestamp(nullable=False)
    status: str = "pending"  # pending | claimed | fired | void
    claimed_by: str | None = None
    claimed_until: datetime | None = timestamp()
    fired_at: datetime | None = timestamp()
    data: dict = masked_json_field()


class Escalation(SQLModel, table=True):
    """One rung of a ladder climbed, once per ticket, ladder, level and cycle."""

    __table_args__ = (UniqueConstraint("ticket_id", "kind", "level", "cycle"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    kind: str  # accept | close
    level: int
    cycle: int
    notified: list = json_field(list)
    fired_at: datetime | None = timestamp()


class EscalationNotice(SQLModel, table=True):
    """One person to be told about one climbed rung; held for quiet hours and batching, then pushed.

    A person gets at most one 督办 push per batching window, listing every rung released to
    them; outside emergencies, nothing goes out in quiet hours: it waits for their end.
    """

    __table_args__ = (UniqueConstraint("ticket_id", "kind", "level", "cycle", "recipient"),
                      Index("ix_notice_recipient", "recipient", "status", "sent_at"))
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    kind: str  # accept | close: the rung's ladder
    level: int
    cycle: int
    audience: str  # member | supervisors_group
    recipient: str  # member id, or "supervisors" for the group
    emergency: bool = False  # goes through quiet hours and batching
    window_s: int = 0  # no sooner than this after the recipient's last 督办 push
    release_at: datetime | None = timestamp(nullable=False)  # not pushed before
    status: str = "pending"  # pending | sent | dropped (the ticket moved on before it could go)
    outbox_key: str | None = None  # the push that carried it
    created_at: datetime | None = timestamp()
    sent_at: datetime | None = timestamp()
