"""One inbound message, end to end: store once, process once, and the same answer on retries."""
import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from bot import inbox
from bot.conversation import Answer, answer_resident
from bot.context import BotContext
from bot.incoming import Incoming
from bot.people import member_by_wechat_id, resident_for
from bot.staff import answer_member
from dispatch import outbox
from models.store import session

log = logging.getLogger(__name__)
REPLY_BUDGET_S = 3.0  # WeChat waits 5 s; leave room for the network


def process(ctx: BotContext, msg: Incoming, inbox_id: int) -> Answer:
    """Decide and act; staff (by WeCom userid) and residents take different paths."""
    member = member_by_wechat_id(ctx.engine, msg.sender) if msg.channel == "work" else None
    if member is not None:
        return answer_member(ctx, member.id, msg)
    return answer_resident(ctx, msg, inbox_id)


def receive_sync(ctx: BotContext, msg: Incoming) -> str | None:
    """Store, then claim and process; a retry gets the stored reply (or None while another has it)."""
    row, created = inbox.store(ctx.engine, msg, ctx.clock.now())
    return answer_stored(ctx, msg, row, created)


def answer_stored(ctx: BotContext, msg: Incoming, row, created: bool) -> str | None:
    """Process a stored message unless it was answered already or someone else holds it."""
    if not created and row.status in ("done", "failed"):
        return row.reply
    if not inbox.claim_one(ctx.engine, row.id, ctx.instance, ctx.clock.now()):
        return None  # another request or the worker is processing it right now
    try:
        answer = process(ctx, msg, row.id)
    except Exception as exc:
        log.exception("processing failed", extra={"inbox_id": row.id})
        inbox.finish(ctx.engine, row.id, None, None, status="failed", error=repr(exc)[:500])
        if ctx.metrics:
            ctx.metrics.inbox_processed.labels("failed").inc()
        return None
    inbox.finish(ctx.engine, row.id, answer.text, answer.ticket_id)
    if ctx.metrics:
        ctx.metrics.inbox_processed.labels("done").inc()
    return answer.text


# Storing has its own thread so it never waits behind processing: the row is written and the
# callback can be answered even while triage and dispatch are backed up.
_STORE_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="inbox-store")
_PROCESS_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="inbox-process")
_in_flight = 0
BACKLOG = 8  # with this many messages already being processed, answer "success" at once


async def receive(ctx: BotContext, msg: Incoming) -> str | None:
    """Store the message (always, before answering), then process it within the reply budget.

    If processing takes longer than WeChat waits, or a backlog has built up, the callback
    answers "success" and the answer goes out later through the outbox; the stored row is
    never lost either way.
    """
    global _in_flight
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    row, created = await loop.run_in_executor(_STORE_POOL, inbox.store, ctx.engine, msg, ctx.clock.now())
    budget = 0.05 if _in_flight >= BACKLOG else max(0.1, REPLY_BUDGET_S - (time.monotonic() - started))
    _in_flight += 1
    task = loop.run_in_executor(_PROCESS_POOL, answer_stored, ctx, msg, row, created)

    def settled(_task) -> None:
        global _in_flight
        _in_flight -= 1
    task.add_done_callback(settled)
    try:
        return await asyncio.wait_for(asyncio.shield(task), budget)
    except asyncio.TimeoutError:
        task.add_done_callback(lambda t: _send_late(ctx, msg, t))
        return None


def _send_late(ctx: BotContext, msg: Incoming, task) -> None:
    """The answer came after WeChat stopped waiting: send it through the outbox instead."""
    if not task.cancelled() and not task.exception() and task.result():
        _queue_reply(ctx, msg, task.result())


def sweep(ctx: BotContext, now) -> int:
    """Ticker step: process messages stored but never answered; answers go out through the outbox."""
    done = 0
    for inbox_id in inbox.claim_stale(ctx.engine, ctx.instance, now):
        row = inbox.load(ctx.engine, inbox_id)
        msg = inbox.incoming_of(row)
        try:
            answer = process(ctx, msg, inbox_id)
        except Exception as exc:
            log.exception("sweep failed", extra={"inbox_id": inbox_id})
            inbox.finish(ctx.engine, inbox_id, None, None, status="failed", error=repr(exc)[:500])
            continue
        inbox.finish(ctx.engine, inbox_id, answer.text, answer.ticket_id)
        if answer.text:
            _queue_reply(ctx, msg, answer.text)
        done += 1
    return done


def _queue_reply(ctx: BotContext, msg: Incoming, text: str) -> None:
    """Send an answer the callback could not carry, to the member or resident who wrote."""
    now = ctx.clock.now()
    member = member_by_wechat_id(ctx.engine, msg.sender) if msg.channel == "work" else None
    with session(ctx.engine) as db:
        if member:
            outbox.push(db, key=f"reply:{msg.msg_key}", audience="member", recipient=member.id, text=text, now=now)
        else:
            resident = resident_for(ctx.engine, msg.channel, msg.sender, now)
            outbox.push(db, key=f"reply:{msg.msg_key}", audience="resident", recipient=str(resident.id), text=text,
                        now=now, extra={"chat_id": msg.chat_id} if msg.chat_id else None)
        db.commit()
