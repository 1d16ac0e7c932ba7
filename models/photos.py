"""Photos taken on phones (办结 from /m, the demo), kept in the store so every instance can serve them."""
from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from models.columns import timestamp


class Photo(SQLModel, table=True):
    """One uploaded image; its id is unguessable and is the last part of its URL."""

    id: str = Field(primary_key=True)  # 32 hex characters
    content_type: str
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: str = ""  # member id, or resident:<name> in the demo
    ticket_id: int | None = Field(default=None, index=True)
    created_at: datetime | None = timestamp()
