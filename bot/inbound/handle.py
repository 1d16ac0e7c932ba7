"""One stored inbound message, processed once: the answer is kept so a retry gets it again."""
import logging
from dataclasses import replace

from bot.context import BotContext
from bot.conversation import texts
from bot.conversation.answer import Answer, shown
from bot.conversation.residents import answer_resident
from bot.conversation.staff import answer_member
from bot.inbound import inbox
from bot.inbound.incoming import Incoming
from bot.inbound.late import answer_late, finish_and_queue, queue_reply
from bot.inbound.people import member_by_wechat_id
from bot.inbound.read_ahead import ReadAhead
from core.faults import crash_point
from models import outbox
from models.store import session

log = logging.getLogger(__name__)
BUSY = object()  # another request or the worker holds the message right now


def process(ctx: BotContext, msg: Incoming, inbox_id: int, callback: bool = False) -> Answer:
    """Decide and act; staff (by WeCom userid) and residents take different paths. `callback`: the message's
    callback (or WeChat's retry of it) carries the answer, which may then be recorded as it is acted on."""
    member = member_by_wechat_id(ctx.engine, msg.sender) if msg.channel == "work" else None
    answer = (answer_member(ctx, member.id, msg) if member is not None
              else answer_resident(ctx, msg, inbox_id, recorded_with_report=callback))
    if msg.card_tap:
        # WeCom documents no text answer to a tap: the reply changes the tapped card's button, and
        # what happened (or why not) goes to the worker as a message
        if answer.text:
            queue_reply(ctx, msg, answer.text)
        return replace(answer, text=None)
    if msg.in_group and answer.text:
        return replace(answer, text=shown(answer.text, in_group=True))
    return answer


def answer_stored(ctx: BotContext, msg: Incoming, row, claimed: bool):
    """The reply to a stored message: its kept answer, a fresh one, or BUSY while someone else has it."""
    if not claimed:
        if row.status in ("done", "failed"):
            return inbox.reply_of(ctx.privacy, row)
        if not inbox.claim_one(ctx.engine, row.id, ctx.instance, ctx.clock.now()):
            return BUSY
    try:
        answer = process(ctx, msg, row.id, callback=True)
    except Exception as exc:
        hand_to_duty_desk(ctx, msg, row.id, exc)
        return None
    crash_point("inbox.processed")  # acted on (ticket written), answer not yet recorded
    reply = answer.kept(msg.card_tap)
    if not answer.recorded:
        inbox.finish(ctx.engine, ctx.privacy, row.id, reply, answer.ticket_id)
    _count(ctx, "done")
    return reply


def sweep(ctx: BotContext, now) -> int:
    """Ticker step: process messages stored but never answered, on the worker's drain threads; answers
    go out through the outbox. Each row is claimed before it is touched (claim_stale), so threads here
    and in other processes never share one."""
    batch = max(50, 16 * ctx.workers.drain_threads)  # about a second's work per claim, well inside the lease
    claimed = inbox.claim_stale(ctx.engine, ctx.instance, now, batch)
    try:
        # the claimed rows read in one query, and their triage in one pass of the model
        rows = inbox.load_many(ctx.engine, sorted(claimed)) if claimed else []  # oldest first
        messages = [(row.id, inbox.incoming_of(ctx.privacy, row)) for row in rows]
        # held from here on; until now they still counted as left, so no conversation was ever free between
        ctx.workers.queue.took([msg.conversation for _, msg in messages], all_waiting=len(claimed) < batch)
        if not messages:
            return 0
        if len(messages) > 1 and ctx.classifier is not None:
            ctx = replace(ctx, classifier=ReadAhead(ctx.classifier, [msg for _, msg in messages]))
        if len(messages) < 2 or ctx.workers.drain_threads < 2:
            return sum(_drain_one(ctx, inbox_id, msg) for inbox_id, msg in messages)
        # one conversation's messages on one thread, oldest first: a resident's second is never answered first
        by_conversation: dict[str, list[tuple[int, Incoming]]] = {}
        for inbox_id, msg in messages:
            by_conversation.setdefault(msg.conversation, []).append((inbox_id, msg))
        return sum(ctx.workers.drain.map(lambda group: sum(_drain_one(ctx, *item) for item in group),
                                         by_conversation.values()))
    finally:
        ctx.workers.queue.drained()


def _drain_one(ctx: BotContext, inbox_id: int, msg: Incoming) -> int:
    """Process one claimed message and queue its answer; 1 if processed, 0 if handed to the duty desk."""
    try:
        answer = process(ctx, msg, inbox_id)
    except Exception as exc:
        hand_to_duty_desk(ctx, msg, inbox_id, exc)
        return 0
    crash_point("inbox.processed")
    reply = answer.kept(msg.card_tap)
    if reply and not msg.card_tap:
        finish_and_queue(ctx, msg, inbox_id, reply, answer.ticket_id)
    else:
        awaited = inbox.finish(ctx.engine, ctx.privacy, inbox_id, reply, answer.ticket_id)
        if reply and not awaited:  # a callback still waiting carries it (server.processing: separate)
            answer_late(ctx, msg, reply)
    _count(ctx, "drained")  # processed by the inbox worker ("done" is a callback's own processing)
    return 1


def hand_to_duty_desk(ctx: BotContext, msg: Incoming, inbox_id: int, exc: Exception) -> None:
    """Processing failed: mark the message failed and tell the duty desk, in one transaction, to read it."""
    log.exception("processing failed; handed to the duty desk", extra={"inbox_id": inbox_id})
    with session(ctx.engine) as db:
        inbox.fail(db, inbox_id, repr(exc))
        outbox.to_members(db, list(ctx.settings.station.duty_desk), key=f"failed:{inbox_id}",
                          text=texts.processing_failed(msg, inbox_id), now=ctx.clock.now())
        db.commit()
    _count(ctx, "failed")


def _count(ctx: BotContext, outcome: str) -> None:
    if ctx.metrics:
        ctx.metrics.inbox_processed.labels(outcome).inc()
