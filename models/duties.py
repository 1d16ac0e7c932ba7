"""Recurring duties: people under watch (两天必见面), their visits, and each scheduled run once."""
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import masked_text, timestamp


class WatchedPerson(SQLModel, table=True):
    """An elderly person living alone, to be seen every `interval_s` seconds."""

    id: str = Field(primary_key=True)
    name: str
    aliases: str = ""  # comma separated: 王奶奶,王婆婆
    address: str = ""
    grid_id: str = Field(index=True)
    worker_id: str = Field(foreign_key="member.id")
    interval_s: int
    active: bool = True
    last_seen_at: datetime | None = timestamp()
    last_seen_by: str | None = None


class Visit(SQLModel, table=True):
    """A recorded visit (见面): resets the person's interval."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="watchedperson.id", index=True)
    member_id: str = Field(foreign_key="member.id")
    note: str = masked_text()
    photo_url: str | None = None
    ticket_id: int | None = None  # the visit task it closed, if any
    at: datetime | None = timestamp(index=True)


class ScheduleRun(SQLModel, table=True):
    """One firing of a schedule (a duty slot, a digest day, a lapse); UNIQUE makes it once."""

    __table_args__ = (UniqueConstraint("schedule", "slot"),)
    id: int | None = Field(default=None, primary_key=True)
    schedule: str  # duty:school-gate | digest:sz_chen | weekly:sz_chen | watch:w-wang | ranking
    slot: str  # the slot's identity: 2026-11-24T07:30, 2026-11-24, a lapse instant
    ticket_id: int | None = None
    instance: str = ""
    fired_at: datetime | None = timestamp()
