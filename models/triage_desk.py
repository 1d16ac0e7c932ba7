"""What triage hands to people: 疑似报事 the machine would not call, and the corrections people make."""
from datetime import datetime

from sqlmodel import Field, SQLModel

from models.columns import json_field, timestamp


class SuspectReport(SQLModel, table=True):
    """A message that is probably not a report but could be one: the duty desk files or dismisses it."""

    id: int | None = Field(default=None, primary_key=True)
    inbox_id: int | None = Field(default=None, unique=True)  # one row per stored message, whatever retries
    resident_id: int = Field(foreign_key="resident.id")
    channel: str
    chat_id: str | None = None
    text: str  # masked
    triage: dict = json_field()  # the model's call and its reasons
    status: str = Field(default="open", index=True)  # open | filed | ignored
    decided_by: str | None = None  # member id, or "resident" when the resident answered the bot
    ticket_id: int | None = None
    created_at: datetime | None = timestamp(index=True)
    decided_at: datetime | None = timestamp()


class TriageCorrection(SQLModel, table=True):
    """A person's labels for one message, where they differ from the machine's: a training example."""

    id: int | None = Field(default=None, primary_key=True)
    text: str  # masked
    is_report: bool
    kind: str | None = None
    category: str | None = None
    urgency: str | None = None
    location: str | None = None
    machine: dict = json_field()  # what triage had said
    ticket_id: int | None = Field(default=None, index=True)
    suspect_id: int | None = None
    member_id: str
    created_at: datetime | None = timestamp(index=True)
