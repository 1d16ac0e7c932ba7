"""Retention: photos and voice older than `media.retention_days` lose their bytes; their tickets say so.

A ticker step. The bytes go first, then the row is marked and the ticket's entry gets `expired`, in one
transaction: a crash in between deletes again next time (deleting nothing is no error), and a second
instance doing the same marks nothing twice (the row is marked only while unmarked). Rows stay, as the
ledger's record of what was sent when. Photos kept before the media store (tables `photo`,
`reportphoto`) are removed from those tables the same way.
"""
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from media.keep import Media
from models import MediaFile, Photo, ReportPhoto, Ticket
from models.media import key_of
from models.store import session

BATCH = 100
# Retention is counted in days: once a sweep finds less than a batch, the next looks again after this, not at
# every tick of every process (the same throttle as the callback nonces' Forgetting).
SWEEP_EVERY = timedelta(minutes=10)
LEGACY: dict[str, tuple[type, Any]] = {"legacy_m": (Photo, Photo.id), "legacy_r": (ReportPhoto, ReportPhoto.key)}


class Retention:
    """`step(now)`: expire up to BATCH media past their retention; the number expired."""

    def __init__(self, media: Media, batch: int = BATCH):
        self.media, self.batch = media, batch
        self.next_at: datetime | None = None

    def step(self, now: datetime) -> int:
        """Delete the due blobs and mark their rows and tickets; 0 when retention_days is 0 (kept for ever)."""
        days = self.media.settings.retention_days
        if not days or (self.next_at is not None and now < self.next_at):
            return 0
        with session(self.media.engine) as db:
            due = db.exec(select(MediaFile).where(col(MediaFile.expired_at).is_(None),
                                                  col(MediaFile.created_at) < now - timedelta(days=days))
                          .order_by(col(MediaFile.created_at)).limit(self.batch)).all()
        self.next_at = now + SWEEP_EVERY if len(due) < self.batch else None  # a full batch: more may be due now
        return sum(self._expire(row, now) for row in due)

    def _expire(self, row: MediaFile, now: datetime) -> bool:
        self.media.store.delete(row.key)
        with session(self.media.engine) as db:
            claimed = db.exec(update(MediaFile).where(col(MediaFile.key) == row.key, col(MediaFile.expired_at).is_(None))
                              .values(expired_at=now)).rowcount
            if not claimed:
                return False  # another instance did it
            if row.source in LEGACY:
                table, column = LEGACY[row.source]
                db.exec(delete(table).where(col(column) == row.key))
            if row.ticket_id is not None:
                mark_expired(db, row.ticket_id, row.key, now)
            db.commit()
        return True


def mark_expired(db: Session, ticket_id: int, key: str, now: datetime) -> None:
    """The ticket's entries for `key` get `expired` (when): pages show 照片已过保存期 instead of a broken picture.

    By key, not address: a 随手拍 photo is on the ticket as /r/photo/{key}, the same blob as /media/{key}.
    """
    ticket = db.get(Ticket, ticket_id, with_for_update=True)
    if ticket is None:
        return
    photos = [dict(p, expired=now.isoformat()) if str(p.get("url", "")).startswith("/") and
              key_of(str(p.get("url", ""))) == key else p for p in ticket.photos]
    if photos != ticket.photos:
        ticket.photos = photos
        db.add(ticket)
