"""Write messages to the outbox: exactly once per key, in the caller's transaction."""
from datetime import datetime

from sqlmodel import Session

from models import Outbox
from models.rows import insert_ignore


def row(*, key: str, audience: str, recipient: str, text: str, now: datetime, ticket_id: int | None = None,
        card: dict | None = None, extra: dict | None = None) -> dict:
    """The values of one outbox row (see dispatch/api.py for audiences and the payload)."""
    payload = {"text": text} | ({"card": card} if card else {}) | (extra or {})
    return dict(idem_key=key, channel=audience, recipient=recipient, msg_type="template_card" if card else "text",
                payload=payload, ticket_id=ticket_id, status="pending", attempts=0,
                next_attempt_at=now, created_at=now)


def push(db: Session, *, key: str, audience: str, recipient: str, text: str, now: datetime,
         ticket_id: int | None = None, card: dict | None = None, extra: dict | None = None) -> bool:
    """Queue one message; False if a message with this key was already queued."""
    values = row(key=key, audience=audience, recipient=recipient, text=text, now=now, ticket_id=ticket_id,
                 card=card, extra=extra)
    return insert_ignore(db, Outbox, values, ["idem_key"])


def to_members(db: Session, members: list[str], *, key: str, text: str, now: datetime,
               ticket_id: int | None = None, card: dict | None = None) -> int:
    """Queue the same message to several members; the key gets the member id appended."""
    return sum(push(db, key=f"{key}:{m}", audience="member", recipient=m, text=text, now=now,
                    ticket_id=ticket_id, card=card) for m in members)


def to_supervisors_group(db: Session, *, key: str, text: str, now: datetime, ticket_id: int | None = None) -> bool:
    """Queue a message for the supervisors' group robot."""
    return push(db, key=f"{key}:group", audience="supervisors_group", recipient="supervisors", text=text,
                now=now, ticket_id=ticket_id)
