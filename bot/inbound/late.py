"""Answers WeChat no longer waits for: queued in the outbox, to the member or resident who wrote."""
from datetime import timedelta

from bot.context import BotContext
from bot.inbound import inbox
from bot.inbound.incoming import Incoming
from bot.inbound.people import member_by_wechat_id, resident_for, resident_in
from models import Member, Resident, cards, outbox
from models.store import session

# WeCom refreshes a robot's stream for up to 6 minutes from the user's message: a late answer is left that
# long for the stream to carry (bot/inbound/robot_stream.py) before it goes through the response_url.
STREAM_WAIT = timedelta(minutes=6)


def reply_key(msg_key: str) -> str:
    """The outbox key of the late answer to a message: one answer, whichever way it goes."""
    return f"reply:{msg_key}"


def answer_late(ctx: BotContext, msg: Incoming, reply: str) -> None:
    """An answer WeChat no longer waits for: a text goes out as a message; a tapped card is updated
    through WeCom with the code the tap brought (or, without one, the card's own)."""
    if not msg.card_tap:
        queue_reply(ctx, msg, reply)
        return
    member = member_by_wechat_id(ctx.engine, msg.sender)
    ticket = (msg.event_key or "").partition(":")[2]
    with session(ctx.engine) as db:
        card = cards.tapped(db, member.id, int(ticket), msg.task_id) if member and ticket.isdigit() else None
        if card is not None:
            cards.queue_update(db, card, reply, ctx.clock.now(), code=msg.response_code)
            db.commit()


def queue_reply(ctx: BotContext, msg: Incoming, text: str) -> None:
    """Send an answer the callback could not carry, to the member or resident who wrote."""
    member = member_by_wechat_id(ctx.engine, msg.sender) if msg.channel == "work" else None
    resident = None if member else resident_for(ctx.engine, msg.channel, msg.sender, ctx.clock.now())
    with session(ctx.engine) as db:
        _push_reply(ctx, db, msg, text, member, resident)
        db.commit()


def _push_reply(ctx: BotContext, db, msg: Incoming, text: str, member: Member | None, resident: Resident | None) -> None:
    """Queue the answer to the member, or else the resident, who wrote, in the caller's transaction."""
    now = ctx.clock.now()
    shown, sealed = ctx.privacy.split(text)  # delivered as answered, stored masked
    if member:
        outbox.push(db, key=reply_key(msg.msg_key), audience="member", recipient=member.id, text=shown, now=now,
                    sealed=sealed)
    elif resident:
        where = {k: v for k, v in (("chat_id", msg.chat_id), ("response_url", msg.response_url)) if v}
        outbox.push(db, key=reply_key(msg.msg_key), audience="resident", recipient=str(resident.id), text=shown,
                    now=now, extra=where or None, due=now + STREAM_WAIT if msg.stream_id else None, sealed=sealed)


def finish_and_queue(ctx: BotContext, msg: Incoming, inbox_id: int, reply: str, ticket_id: int | None) -> None:
    """The worker's text answer recorded and queued for sending in one transaction (one fewer a message, and
    never one without the other), unless a callback still waits to carry it (server.processing: separate)."""
    member = member_by_wechat_id(ctx.engine, msg.sender) if msg.channel == "work" else None
    with session(ctx.engine) as db:
        awaited = inbox.record(db.connection(), ctx.privacy, inbox_id, reply, ticket_id)
        # the writer's row exists (processing read or made it), so it is read in this transaction
        resident = None if member or awaited else resident_in(db, msg.channel, msg.sender)
        if member or resident:
            _push_reply(ctx, db, msg, reply, member, resident)
        db.commit()
    if not (awaited or member or resident):  # no resident row after all: queued apart, as queue_reply does
        queue_reply(ctx, msg, reply)
