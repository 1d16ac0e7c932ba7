"""The report waiting for its place: kept in the database so a restart continues the same report."""
from datetime import datetime

from sqlmodel import Session

from models import Conversation


class NoLongerWaiting(Exception):
    """The report was completed (or replaced) by another message meanwhile."""


def wait_for_place(db: Session, resident_id: int, pending: dict, now: datetime, until: datetime) -> None:
    """Remember the report and when to stop waiting for its place (the ask_place deadline commits with it)."""
    conv = db.get(Conversation, resident_id) or Conversation(resident_id=resident_id)
    conv.state, conv.pending, conv.expires_at, conv.updated_at = "awaiting_place", pending, until, now
    db.add(conv)


def waiting(db: Session, resident_id: int) -> Conversation | None:
    """The resident's conversation if it is waiting for a place."""
    conv = db.get(Conversation, resident_id)
    return conv if conv and conv.state == "awaiting_place" and conv.pending else None


def done(db: Session, resident_id: int, pending: dict, now: datetime) -> None:
    """Stop waiting, in the transaction that submits `pending`; raise NoLongerWaiting if it is gone already.

    The row is locked first, so of two messages completing the same report only one submits it.
    """
    conv = db.get(Conversation, resident_id, with_for_update=True, populate_existing=True)
    if conv is None or conv.state != "awaiting_place" or conv.pending != pending:
        raise NoLongerWaiting(resident_id)
    conv.state, conv.pending, conv.expires_at, conv.updated_at = "idle", {}, None, now
    db.add(conv)
