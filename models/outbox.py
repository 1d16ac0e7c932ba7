"""Messages waiting to go out (and how to queue one: exactly once per key, in the caller's transaction),
and values shared by instances (the access_token cache)."""
import re
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, Session, SQLModel

from core.privacy import Privacy
from models.columns import SEALED_KEY, masked_json_field, masked_text, timestamp
from models.rows import insert_ignore


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
    payload: dict = masked_json_field()  # text masked; "sealed": the text as it is to be delivered
    ticket_id: int | None = Field(default=None, index=True)
    status: str = "pending"  # pending | sending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime | None = timestamp()
    lease_until: datetime | None = timestamp()
    last_error: str | None = masked_text(None)
    created_at: datetime | None = timestamp()
    sent_at: datetime | None = timestamp()
    # Set just before the API call, cleared with its outcome: still set on a claimed row means
    # the process died mid-send and WeChat may or may not have delivered it.
    send_started_at: datetime | None = timestamp()
    ambiguous: bool = False  # resent after such a crash: the recipient may have it twice
    # how a sent message went when not the usual way: template | subscribe (a notice the Official Account's
    # customer-service window could not carry), stream (a robot's late answer, carried by its stream)
    delivered_as: str | None = None
    # Button cards (models/cards.py): the task_id of the last send (a new one for each), the
    # response_code WeCom returned for it (updates that card once, within 72 h) and when it came,
    # and the text that replaced the card's buttons once the ticket moved on (None: still live).
    task_id: str | None = None
    response_code: str | None = None
    code_at: datetime | None = timestamp()
    card_state: str | None = None


class SharedValue(SQLModel, table=True):
    """A small value shared by all instances, with an expiry (e.g. access_token)."""

    key: str = Field(primary_key=True)
    value: str
    expires_at: datetime | None = timestamp()
    updated_at: datetime | None = timestamp()


# Put in the payload of a row the demo page delivered (it stands in for WeChat in demo mode only):
# besides rows for the demo's own residents, the only outbox rows the demo's feeds show.
VIA_DEMO = {"via": "demo"}


def row(*, key: str, audience: str, recipient: str, text: str, now: datetime, ticket_id: int | None = None,
        card: dict | None = None, extra: dict | None = None, due: datetime | None = None,
        sealed: str | None = None) -> dict:
    """The values of one outbox row (see dispatch/api.py for audiences and the payload); it goes at `due`
    (now unless said).

    The text is stored masked; `sealed` (core.privacy) is the text to deliver when the recipient is to
    get a full number (a resident told who will call them), opened by the sender just before sending.
    """
    payload = {"text": text} | ({"card": card} if card else {}) | (extra or {}) | ({SEALED_KEY: sealed} if sealed else {})
    values = dict(idem_key=key, channel=audience, recipient=recipient, msg_type="template_card" if card else "text",
                  payload=payload, ticket_id=ticket_id, status="pending", attempts=0,
                  next_attempt_at=due or now, created_at=now)
    return values | ({"task_id": task_id(key, 1)} if card else {})


TASK_ID_MAX = 128  # WeCom: letters, digits and _-@, at most 128, never the same twice for one app


def task_id(idem_key: str, attempt: int) -> str:
    """The task_id of a card's `attempt`-th send: its key made safe, then the attempt, since WeCom refuses
    a task_id it has seen (42014) and a resend after a doubtful send must still be shown."""
    return re.sub(r"[^A-Za-z0-9_\-@]", "_", idem_key)[:TASK_ID_MAX - 8] + f"@{attempt}"


def card_of(task: str) -> str:
    """The card a task_id was sent for, whichever send it came with."""
    return task.rsplit("@", 1)[0]


def push(db: Session, *, key: str, audience: str, recipient: str, text: str, now: datetime,
         ticket_id: int | None = None, card: dict | None = None, extra: dict | None = None,
         due: datetime | None = None, sealed: str | None = None) -> bool:
    """Queue one message; False if a message with this key was already queued."""
    values = row(key=key, audience=audience, recipient=recipient, text=text, now=now, ticket_id=ticket_id,
                 card=card, extra=extra, due=due, sealed=sealed)
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


def as_delivered(privacy: Privacy, payload: dict) -> dict:
    """The payload as the recipient is to get it: the sealed text, if any, opened in place of the masked one."""
    if SEALED_KEY not in payload:
        return payload
    return {k: v for k, v in payload.items() if k != SEALED_KEY} | {"text": privacy.text_of(payload)}
