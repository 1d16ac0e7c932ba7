"""What arrives: every inbound message once, and each resident's conversation state."""
from datetime import datetime

from sqlmodel import Field, SQLModel

from models.columns import masked_json_field, masked_text, timestamp


class InboxMessage(SQLModel, table=True):
    """One inbound message, stored before the callback is answered."""

    id: int | None = Field(default=None, primary_key=True)
    msg_key: str = Field(unique=True)  # channel:sender:MsgId (bot/inbound/incoming.py), or a channel's own
    channel: str
    sender: str = Field(index=True)
    chat_id: str | None = None  # the group, when it came from a group
    msg_type: str
    content: str = masked_text()  # full numbers masked; the original sealed beside it
    content_sealed: str | None = None
    payload: dict = masked_json_field()
    reply: str | None = masked_text(None)  # the passive reply; a retry gets the same answer
    reply_sealed: str | None = None
    status: str = Field(default="new", index=True)  # new | processing | done | failed
    attempts: int = 0
    lease_until: datetime | None = timestamp()
    error: str | None = masked_text(None)
    ticket_id: int | None = Field(default=None, index=True)
    received_at: datetime | None = timestamp(index=True)


class CallbackNonce(SQLModel, table=True):
    """A WeChat callback query once accepted (bot/inbound/nonces.py): good again only with the same body."""

    key: str = Field(primary_key=True)  # channel:timestamp:nonce:signature
    body_sha256: str
    expires_at: datetime | None = timestamp(index=True, nullable=False)


class Conversation(SQLModel, table=True):
    """Where the bot stands with one resident: idle, waiting for a place, waiting for 回访."""

    resident_id: int = Field(primary_key=True, foreign_key="resident.id")
    state: str = "idle"  # idle | awaiting_place | awaiting_feedback
    ticket_id: int | None = None
    pending: dict = masked_json_field()  # the report waiting for its place: text (masked), sealed, chat, inbox id
    expires_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()
