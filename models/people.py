"""Areas and people: the grid hierarchy, members with roles, residents with WeChat identities."""
from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.columns import json_field, masked_text, timestamp


class Grid(SQLModel, table=True):
    """A village/community, a grid inside it, or a micro-grid inside a grid."""

    id: str = Field(primary_key=True)
    name: str
    level: str = Field(index=True)  # village | grid | micro
    parent_id: str | None = Field(default=None, foreign_key="grid.id", index=True)
    village_id: str = Field(index=True)


class Member(SQLModel, table=True):
    """Someone who receives tasks or supervises: synced from config.yaml at start."""

    id: str = Field(primary_key=True)
    name: str
    roles: list[str] = json_field(list)
    wechat_id: str = Field(index=True)
    phone: str = masked_text()  # shown masked; the full number stays in config.yaml
    grid_id: str | None = Field(default=None, index=True)
    password_hash: str = ""
    active: bool = True
    on_duty: bool = True


class Resident(SQLModel, table=True):
    """A person who writes to the bot; one row per channel identity."""

    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str  # mp | work | robot | kf | web | demo
    external_id: str  # OpenID, WeCom userid, or demo name
    name: str = masked_text()
    phone_masked: str = masked_text()
    phone_sealed: str | None = None  # the full number the resident gave, sealed (core.privacy)
    home_grid_id: str | None = None
    last_help_at: datetime | None = timestamp()
    created_at: datetime | None = timestamp()
    # Official Account customer-service messages (bot/outbound/oa_quota.py): the inbox row of the resident's
    # message that opened the current 48-hour window, and how many were sent in it (WeChat allows 5).
    cs_window_msg: int | None = None
    cs_sent: int = 0
