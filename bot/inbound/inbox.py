"""Store every inbound message once, before answering; hand each to exactly one processor."""
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, bindparam, or_, update
from sqlmodel import Session, select

from bot.inbound import nonces
from bot.inbound.incoming import Incoming
from bot.inbound.nonces import Seen
from bot.media import jobs as media_jobs
from core.privacy import Privacy
from models import InboxMessage
from models.rows import claim_rows, inserted_id
from models.store import one_statement, session

LEASE = timedelta(seconds=30)
AWAITED = "awaited"  # in the payload: a callback waits to carry the answer (server.processing: separate)
_TABLE = InboxMessage.__table__
# Core, built once, the values bound at execution (they name the columns set): once per message, and the
# ORM's bulk-update machinery cost more than the statement
# (the payload back: whether a callback waits to carry the answer)
_RECORD = update(_TABLE).where(_TABLE.c.id == bindparam("row_id")).returning(_TABLE.c.payload)


def store(engine, privacy: Privacy, incoming: Incoming, now: datetime,
          claimer: str | None = None) -> tuple[InboxMessage, bool]:
    """Insert the message under its UNIQUE key; (row, True) if new, (existing row, False) for a retry.

    With a claimer the new row is inserted already claimed by it (one transaction fewer than
    insert-then-claim); without one it waits, unclaimed, for the inbox worker. Full numbers in the
    text are stored masked, the text as written sealed beside it.
    """
    row, created = store_many(engine, privacy, [(incoming, now, claimer, None)])[0]
    assert row is not None  # only a callback's query (Seen) can be refused
    return row, created


def store_many(engine, privacy: Privacy, items: list[tuple[Incoming, datetime, str | None, Seen | None]],
               awaited: list[bool] | None = None) -> list[tuple[InboxMessage | None, bool]]:
    """store() for several messages in one transaction (bot/inbound/storing.py groups them under load).

    A callback's signed query (Seen) is remembered in the same transaction; a query that came before with
    another body stores nothing and gives (None, False): a replay, refused by the caller. `awaited`, per item:
    its callback waits for another process's answer (server.processing: separate; bot/inbound/awaiting.py).
    """
    out: list[tuple[InboxMessage | None, bool]] = []
    with session(engine) as db:
        for n, (incoming, now, claimer, query) in enumerate(items):
            if query is not None and not nonces.admit(db, query):
                out.append((None, False))
                continue
            values = _values(privacy, incoming, now, claimer)
            if awaited and awaited[n]:
                values["payload"] = values["payload"] | {AWAITED: True}
            new_id = inserted_id(db, InboxMessage, values, ["msg_key"])
            if new_id is not None:
                media_jobs.add(db, incoming, now)  # its photo or voice, downloaded once, off the callback path
            # a new row is what was written (no read back); a retry's is read, with its answer if it has one
            row = (InboxMessage(id=new_id, **values) if new_id is not None else
                   db.exec(select(InboxMessage).where(InboxMessage.msg_key == values["msg_key"])).one())
            out.append((row, new_id is not None))
        db.commit()
    return out


def _storable(text: str | None) -> str | None:
    """Text both engines keep as is: no NUL (PostgreSQL refuses it), no lone surrogate (not UTF-8)."""
    if text is None:
        return None
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _values(privacy: Privacy, incoming: Incoming, now: datetime, claimer: str | None) -> dict:
    # every channel's edge filters these already; this is the last line for a channel that does not
    content, sealed = privacy.split(_storable(incoming.text)[:4000])
    values = dict(msg_key=_storable(incoming.msg_key)[:190], channel=incoming.channel,
                  sender=_storable(incoming.sender), chat_id=_storable(incoming.chat_id), msg_type=incoming.msg_type,
                  content=content, content_sealed=sealed,
                  payload=_payload(incoming), status="new", attempts=0, received_at=now)
    if claimer:
        values |= dict(status="processing", lease_until=now + LEASE, attempts=1, error=f"claimed by {claimer}"[:200])
    return values


def claim_one(engine, inbox_id: int, claimer: str, now: datetime) -> bool:
    """Take the message for processing unless someone holds it (or finished it)."""
    due = and_(InboxMessage.id == inbox_id, _claimable(now))
    return bool(claim_rows(engine, InboxMessage, due, _claim_values(claimer, now), InboxMessage.id, 1))


def claim_stale(engine, claimer: str, now: datetime, batch: int = 50) -> list[int]:
    """Messages left for the worker (stored unclaimed under load) or dropped by a crash (lease over)."""
    return claim_rows(engine, InboxMessage, _claimable(now), _claim_values(claimer, now), InboxMessage.id, batch)


def finish(engine, privacy: Privacy, inbox_id: int, reply: str | None, ticket_id: int | None) -> bool:
    """Record the answer so a retry of the same message gets it again (masked, the full answer sealed);
    True if a callback still waits to carry it (bot/inbound/awaiting.py)."""
    with one_statement(engine) as connection:
        return record(connection, privacy, inbox_id, reply, ticket_id)


def record(connection: Connection, privacy: Privacy, inbox_id: int, reply: str | None, ticket_id: int | None) -> bool:
    """finish() in the caller's transaction (dispatch's, for a report: one transaction fewer a message)."""
    shown, sealed = privacy.split(reply) if reply else (reply, None)
    payload = _record(connection, inbox_id, "done", reply=shown, ticket_id=ticket_id, reply_sealed=sealed)
    return bool(payload and payload.get(AWAITED))


def reply_of(privacy: Privacy, row: InboxMessage) -> str | None:
    """The answer recorded for a message, as it was given."""
    return privacy.original(row.reply, row.reply_sealed) if row.reply else row.reply


def fail(db: Session, inbox_id: int, error: str) -> None:
    """Mark the message failed for good, in the caller's transaction; a retry gets no answer."""
    _record(db.connection(), inbox_id, "failed", error=error[:500])


def _record(connection: Connection, inbox_id: int, status: str, reply: str | None = None, ticket_id: int | None = None,
            error: str | None = None, reply_sealed: str | None = None) -> dict | None:
    """Set the row's outcome; its payload as stored."""
    return connection.execute(_RECORD, dict(row_id=inbox_id, status=status, reply=reply, reply_sealed=reply_sealed,
                                            ticket_id=ticket_id, error=error, lease_until=None)).scalar()


def load(engine, inbox_id: int) -> InboxMessage | None:
    """Read one message."""
    with session(engine) as db:
        return db.get(InboxMessage, inbox_id)


def load_many(engine, inbox_ids: list[int]) -> list[InboxMessage]:
    """Read several messages in one query, in the order asked."""
    with session(engine) as db:
        rows = {row.id: row for row in db.exec(select(InboxMessage).where(InboxMessage.id.in_(inbox_ids))).all()}
    return [rows[i] for i in inbox_ids if i in rows]


def load_by_key(engine, msg_key: str) -> InboxMessage | None:
    """Read one message by its key (msg_key is UNIQUE)."""
    with session(engine) as db:
        return db.exec(select(InboxMessage).where(InboxMessage.msg_key == msg_key)).first()


def _claimable(now: datetime):
    return or_(InboxMessage.status == "new",
               and_(InboxMessage.status == "processing", InboxMessage.lease_until < now))


def _claim_values(claimer: str, now: datetime) -> dict:
    return dict(status="processing", lease_until=now + LEASE, attempts=InboxMessage.attempts + 1,
                error=f"claimed by {claimer}"[:200])


def _payload(incoming: Incoming) -> dict:
    keys = ("event", "event_key", "pic_url", "lat", "lng", "response_url", "stream_id", "task_id", "response_code",
            "media_id")
    return {k: getattr(incoming, k) for k in keys if getattr(incoming, k) is not None}


def incoming_of(privacy: Privacy, row: InboxMessage) -> Incoming:
    """Rebuild the Incoming from a stored row (for the background worker), with the text as written."""
    p = row.payload or {}
    return Incoming(channel=row.channel, sender=row.sender, msg_key=row.msg_key, msg_type=row.msg_type,
                    text=privacy.original(row.content, row.content_sealed), chat_id=row.chat_id,
                    event=p.get("event"), event_key=p.get("event_key"),
                    pic_url=p.get("pic_url"), lat=p.get("lat"), lng=p.get("lng"),
                    response_url=p.get("response_url"), stream_id=p.get("stream_id"), task_id=p.get("task_id"),
                    response_code=p.get("response_code"), media_id=p.get("media_id"))
