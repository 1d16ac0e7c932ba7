"""The robot's stream, for answers that take longer than the callback may wait.

WeCom's 智能机器人 document (接收消息 · 流式消息刷新, 被动回复消息 · 流式消息回复): a callback answered with a
`stream` whose `finish` is false is followed by 流式消息刷新 callbacks — `{"msgtype": "stream", "stream":
{"id"}}`, signed and encrypted like any other — for up to 6 minutes from the user's message, until an
answer with `finish: true`; each answer's content replaces the last. The stream id is ours to choose: it is
the hex of the message's key (sender and msgid), so any instance can tell which stored message a refresh asks about.

The answer itself is the late reply bot/inbound/late.py queues in the outbox (held STREAM_WAIT for the
stream). The refresh that carries it marks that row sent, as a stream; if WeCom stops refreshing first,
the sender delivers it through the message's response_url instead. One answer, whichever way it goes.
"""
import json

from sqlalchemy import update

from bot.conversation import texts
from bot.inbound import inbox
from bot.inbound.guard import Rejected
from bot.inbound.late import reply_key
from bot.inbound.people import resident_for
from models import InboxMessage, Outbox, outbox
from models.rows import insert_ignore
from models.store import session


def stream_id(msg_key: str) -> str:
    """Our stream id for a robot message (msg_key "robot:<sender>:<msgid>")."""
    return msg_key.removeprefix("robot:").encode("utf-8").hex()


def refresh_of(plaintext: str) -> str | None:
    """The stream id a 流式消息刷新 callback asks about; None when the plaintext is something else (a message,
    or not JSON at all, which parse_message refuses)."""
    try:
        data = json.loads(plaintext)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("msgtype") != "stream":
        return None
    stream = data.get("stream")
    sid = stream.get("id") if isinstance(stream, dict) else None
    if not isinstance(sid, str) or not 0 < len(sid) <= 512:
        raise Rejected(400, "stream refresh without a stream id")
    return sid


def reply(sid: str, content: str, finish: bool) -> str:
    """The plaintext of a stream answer."""
    return json.dumps({"msgtype": "stream", "stream": {"id": sid, "finish": finish, "content": content}},
                      ensure_ascii=False)


def progress(engine, sid: str, now) -> tuple[str, bool]:
    """What the stream shows now, and whether it is finished."""
    try:
        msg_key = "robot:" + bytes.fromhex(sid).decode("utf-8")
    except ValueError:
        return "", True  # not a stream of ours: end it
    row = inbox.load_by_key(engine, msg_key)
    if row is None:
        return "", True
    if row.status in ("new", "processing"):
        return texts.STREAM_WAIT, False
    if row.status == "failed":  # the duty desk has it (bot/inbound/handle.py hand_to_duty_desk)
        return texts.STREAM_HANDED_ON, True
    if not row.reply:
        return texts.STREAM_NOTHING, True
    _carried(engine, row, now)
    return row.reply, True


def _carried(engine, row: InboxMessage, now) -> None:
    """The stream carries the late answer: the outbox's copy, queued or yet to be, must not go as well."""
    key = reply_key(row.msg_key)
    with session(engine) as db:
        taken = db.exec(update(Outbox).where(Outbox.idem_key == key, Outbox.status == "pending")
                        .values(status="sent", sent_at=now, delivered_as="stream", lease_until=None)).rowcount
        if not taken:  # not queued yet (the processing thread is about to): queue it as sent already
            resident = resident_for(engine, row.channel, row.sender, now)
            values = outbox.row(key=key, audience="resident", recipient=str(resident.id), text=row.reply, now=now)
            insert_ignore(db, Outbox, values | dict(status="sent", sent_at=now, delivered_as="stream"), ["idem_key"])
        db.commit()
