"""Messages waiting to go out, and values shared by instances (the access_token cache)."""
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.columns import json_field, timestamp


class Outbox(SQLModel, table=True):
    """One message to deliver, exactly once per idempotency key."""

    # ix_outbox_recipient_sent: the sender counts each recipient's sends of the last minute before every send
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),
                      Index("ix_outbox_recipient_sent", "recipient", "channel", "status", "sent_at"))
    id: int | None = Field(default=None, primary_key=True)
    idem_key: str = Field(unique=True)
    channel: str  # member | resident | supervisors_group (the audience, see dispatch/api.py)
    recipient: str  # member id, resident id or "supervisors"
    msg_type: str = "text"  # text | markdown | template_card
    payload: dict = json_field()
    ticket_id: int | None = Field(default=None, index=True)
    status: str = "pending"  # pending | sending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime | None = timestamp()
    lease_until: datetime | None = timestamp()
    last_error: str | None = None
    created_at: datetime | None = timestamp()
    sent_at: datetime | None = timestamp()
    # Set just before the API call, cleared with its outcome: still set on a claimed row means
    # the process died mid-send and WeChat may or may not have delivered it.
    send_started_at: datetime | None = timestamp()
    ambiguous: bool = False  # resent after such a crash: the recipient may have it twice


class SharedValue(SQLModel, table=True):
    """A small value shared by all instances, with an expiry (e.g. access_token)."""

    key: str = Field(primary_key=True)
    value: str
    expires_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()
