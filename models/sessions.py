"""Sessions kept in the store: the cookie carries only a random id, the row says whose it is and until when.

Only a digest of the id is stored, so a copy of the database opens no session. Logging out deletes
the row; a changed password or a deactivated member ends all of theirs (models/sync.py). Every
instance reads the same rows, so a session opened on one is closed on all.
"""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel

from core.clock import utc
from models.columns import timestamp
from models.store import session

ID_BYTES = 32


class WebSession(SQLModel, table=True):
    """One signed-in browser: the console's (kind console) or a phone's on /m (kind mobile)."""

    digest: str = Field(primary_key=True)  # sha256 of the id in the cookie
    kind: str
    member_id: str = Field(index=True)
    password_fp: str = ""  # console: a digest of the password hash it was opened with
    address: str = ""  # where it was opened from
    created_at: datetime | None = timestamp()
    expires_at: datetime | None = timestamp(index=True)


def open_session(engine: Engine, kind: str, member_id: str, now: datetime, lifetime: timedelta, *,
                 password_fp: str = "", address: str = "") -> str:
    """A new session; returns the id for the cookie (never stored as such). Expired rows are cleared on the way."""
    session_id = secrets.token_urlsafe(ID_BYTES)
    with session(engine) as db:
        db.exec(delete(WebSession).where(WebSession.expires_at < now))
        db.add(WebSession(digest=_digest(session_id), kind=kind, member_id=member_id, password_fp=password_fp,
                          address=address[:64], created_at=now, expires_at=now + lifetime))
        db.commit()
    return session_id


def find_session(engine: Engine, kind: str, session_id: str, now: datetime) -> WebSession | None:
    """The open, unexpired session of this kind with this id; None for anything else."""
    if not session_id or len(session_id) > 128:
        return None
    with session(engine) as db:
        row = db.get(WebSession, _digest(session_id))
    if row is None or row.kind != kind or row.expires_at is None or utc(row.expires_at) <= now:
        return None
    return row


def close_session(engine: Engine, session_id: str) -> None:
    """Log out: the id opens nothing any more, on any instance."""
    with session(engine) as db:
        db.exec(delete(WebSession).where(WebSession.digest == _digest(session_id)))
        db.commit()


def end_member_sessions(db: Session, member_id: str) -> None:
    """End every session of a member (in the caller's transaction): password changed, or no longer a member."""
    db.exec(delete(WebSession).where(WebSession.member_id == member_id))


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()
