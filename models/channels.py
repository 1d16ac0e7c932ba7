"""Channels' own state: 随手拍 reports and their photos, and the 微信客服 pull cursor."""
from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from models.columns import json_field, masked_text, timestamp


class WebReport(SQLModel, table=True):
    """One submission of the /r page: who may follow it (by a key derived from `key`) and what came with it."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # random; the resident's identity on the web channel and the inbox sender
    device: str = Field(index=True)  # a hash of the device cookie, for the per-device limit
    address: str = Field(index=True)  # the client address, for the per-address limit
    text: str = masked_text()  # as the reporter wrote it, full numbers masked
    text_sealed: str | None = None  # as written, sealed (core.privacy)
    place: str = masked_text()  # picked on the page (村/小区/栋), or "" when located by the phone or not given
    grid_id: str | None = None  # the grid the picker or the phone's location resolved to
    preset_grid: str | None = None  # the grid of the poster the page was opened from
    lat: float | None = None
    lng: float | None = None
    phone: str = masked_text()  # optional, for a call back: masked here, never shown on the status page
    phone_sealed: str | None = None  # the full number, sealed
    photos: list = json_field(list)  # ReportPhoto keys, in the order uploaded
    inbox_id: int | None = Field(default=None, index=True)
    ticket_id: int | None = Field(default=None, index=True)
    created_at: datetime | None = timestamp(index=True)


class ReportPhoto(SQLModel, table=True):
    """A photo uploaded with a report, kept in the store so every instance can serve it."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # random: the photo's address is /r/photo/{key}
    report_id: int = Field(index=True)
    content_type: str
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime | None = timestamp()


class KfCursor(SQLModel, table=True):
    """Where the 微信客服 pull (kf/sync_msg) stands for one customer-service account."""

    open_kfid: str = Field(primary_key=True)
    cursor: str = ""  # next_cursor of the last pull whose messages are stored
    token: str = ""  # the callback's Token: lifts sync_msg's strict rate limit for 10 minutes
    token_until: datetime | None = timestamp()
    # Callbacks count up `wants`; a pull copies it into `served` as it starts, so an event that comes
    # in during the pull (wants > served again) asks for the next one. Counters, not times: two
    # events within one clock tick are still two.
    wants: int = 0
    served: int = 0
    synced_at: datetime | None = timestamp()  # the last pull that finished
    lease_until: datetime | None = timestamp()  # one instance pulls at a time
    holder: str = ""


class KfCustomer(SQLModel, table=True):
    """A WeChat user who wrote to 微信客服: the account they wrote to, and when, for kf/send_msg's window."""

    external_userid: str = Field(primary_key=True)
    open_kfid: str
    last_message_at: datetime | None = timestamp()  # the customer's latest message: 48 h and 5 replies from here
