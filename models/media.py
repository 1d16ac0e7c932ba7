"""What the media store keeps beside each blob: its type, size, who sent it, its ticket, and when it went."""
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Field, Session, SQLModel

from models.columns import timestamp


class MediaFile(SQLModel, table=True):
    """One photo or voice message; the bytes are in the media store (media/), under `key`."""

    key: str = Field(primary_key=True)  # random, unguessable: the last part of its address
    url: str = Field(index=True)  # the address tickets hold (/media/{key}; /m/photos/…, /r/photo/… for older rows)
    kind: str  # photo | voice
    content_type: str
    size: int
    source: str = ""  # the channel it came through: m, web, kf, oa, work, robot, demo (legacy_m, legacy_r: older rows)
    sender: str = ""  # member id, resident:<id>, or the channel's sender id while the resident is not known yet
    ticket_id: int | None = Field(default=None, index=True)
    created_at: datetime | None = timestamp(index=True)
    expired_at: datetime | None = timestamp()  # past media.retention_days: the bytes are gone, the row stays


def key_of(url: str) -> str:
    """The media key an address of ours ends with (/media/{key}, /r/photo/{key}, /m/photos/{id})."""
    return url.rsplit("/", 1)[-1]


def link_ticket(db: Session, url: str, ticket_id: int) -> None:
    """Note the ticket a kept photo or voice joined, so the retention sweep can mark it there (caller commits).

    A WeChat address (not ours) matches no row and changes nothing.
    """
    if url.startswith("/"):
        db.exec(update(MediaFile).where(MediaFile.key == key_of(url), MediaFile.ticket_id.is_(None))
                .values(ticket_id=ticket_id))
