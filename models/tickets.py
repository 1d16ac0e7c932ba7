"""Tickets (工单), their reporters and assignees, 回访 feedback and the audit log."""
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import json_field, masked_json_field, masked_text, timestamp


class Ticket(SQLModel, table=True):
    """One matter, from report to close."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)  # GW-20261124-0012
    status: str = Field(index=True)
    kind: str | None = None  # police | non_police
    category: str | None = Field(default=None, index=True)
    urgency: str = "normal"
    text: str = masked_text()  # the report, full numbers masked
    text_sealed: str | None = None  # the report as written, sealed (core.privacy)
    place: str | None = masked_text(None)  # as the resident wrote it
    grid_id: str | None = Field(default=None, index=True)
    village_id: str | None = None
    triage: dict = masked_json_field()  # labels, confidence and reasons at creation (reasons quote the text)
    policy: dict = json_field()  # the escalation ladder, frozen at creation
    route: str = ""  # grid | police | triage | duty_offhours
    cycle: int = 0  # bumped on reopen/redispatch: escalations are unique per cycle
    merged_into_id: int | None = Field(default=None, foreign_key="ticket.id")
    resolution: str | None = masked_text(None)
    photos: list = json_field(list)
    created_at: datetime | None = timestamp(index=True)
    dispatched_at: datetime | None = timestamp()
    accepted_at: datetime | None = timestamp()
    resolved_at: datetime | None = timestamp()
    closed_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()


class TicketReporter(SQLModel, table=True):
    """A resident who reported the ticket (several when duplicates merged)."""

    __table_args__ = (UniqueConstraint("ticket_id", "resident_id"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    inbox_id: int | None = Field(default=None, index=True)  # a re-processed message finds its ticket
    chat_id: str | None = None  # the group it was reported in, for replies
    created_at: datetime | None = timestamp()


class Assignment(SQLModel, table=True):
    """A ticket pushed to a member; `active` is the current holder."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    member_id: str = Field(foreign_key="member.id", index=True)
    role: str = "primary"  # primary | cc
    active: bool = True
    assigned_at: datetime | None = timestamp()
    accepted_at: datetime | None = timestamp()
    ended_at: datetime | None = timestamp()
    end_reason: str | None = masked_text(None)  # may quote a resident (a 回访 complaint) or a note


class Feedback(SQLModel, table=True):
    """A reporter's 回访 answer."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    resident_id: int | None = Field(default=None, foreign_key="resident.id")
    cycle: int = 0
    satisfied: bool | None = None  # None: no answer in time (默认满意 is counted apart)
    reason: str = masked_text()
    created_at: datetime | None = timestamp()


class AuditLog(SQLModel, table=True):
    """Every state change: who, when, from what, to what, why."""

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int | None = Field(default=None, index=True)
    actor: str  # member id, resident:<id>, system
    action: str
    from_status: str | None = None
    to_status: str | None = None
    note: str = masked_text()
    data: dict = masked_json_field()
    at: datetime | None = timestamp(index=True)
