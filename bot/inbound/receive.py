"""Store a callback's message, then answer within WeChat's patience, whatever processing costs."""
import asyncio
import time
from concurrent.futures import Future

from bot.context import BotContext
from bot.inbound import inbox
from bot.inbound.awaiting import Answers, release
from bot.inbound.guard import replayed
from bot.inbound.handle import BUSY, answer_stored
from bot.inbound.inbox import AWAITED
from bot.inbound.incoming import Incoming
from bot.inbound.late import answer_late
from bot.inbound.nonces import Seen
from bot.inbound.storing import GroupStore
from core.faults import crash_point

REPLY_BUDGET_S = 3.0  # WeChat waits 5 s; leave room for the network
BACKLOG = 4  # with this many messages already being processed, store and answer "success" at once
POLL_S = 0.05
REPLAYED = object()  # store_and_answer's answer to a query replayed with another body

async def receive(ctx: BotContext, msg: Incoming, query: Seen | None = None) -> str | None:
    """Store the message (always, before answering), then process it within the reply budget.

    A callback passes its signed query: one that came before with another body is refused (403),
    with the same body it is a retry and gets the first copy's answer.

    If processing takes longer than WeChat waits, or a backlog has built up, the callback
    answers "success" and the answer goes out later through the outbox; the stored row is
    never lost either way. A retry that arrives while the first copy is being processed
    waits for that copy's answer.
    """
    loop, workers = asyncio.get_running_loop(), ctx.workers
    deadline = time.monotonic() + REPLY_BUDGET_S
    if ctx.processed_elsewhere:
        return await _answered_elsewhere(ctx, msg, query, deadline)
    # Under a backlog, processing here would only slow every acknowledgement down: store the
    # message unclaimed, answer at once, and let the inbox worker answer it through the outbox.
    # Once the worker has messages to get through, new ones queue behind them until it has caught up.
    backlog = workers.in_flight >= BACKLOG or workers.queue.busy(msg.conversation)
    if workers.in_flight < workers.process_threads and not backlog:
        # a processing thread is free: it stores the message and goes on to process it, one hand-off
        # instead of two (storing never waits behind processing: only a free thread is used)
        stored: Future = Future()
        task = _processing(ctx, loop, store_and_answer, ctx, msg, ctx.clock.now(), query, stored)
        inbox_id = None
    else:
        if ctx.storer is None or ctx.storer.loop is not loop:
            ctx.storer = GroupStore(ctx.engine, ctx.privacy, workers.store, loop)
        row, created = await ctx.storer.store(msg, ctx.clock.now(), None if backlog else ctx.instance, query)
        if row is None:
            raise replayed()
        crash_point("inbox.stored")  # stored and committed, not yet answered: WeChat will retry
        if backlog and created:
            workers.queue.left(msg.conversation)
            _count_deferred(ctx)
            return None
        task, inbox_id = _processing(ctx, loop, answer_stored, ctx, msg, row, created), row.id
    try:
        reply = await asyncio.wait_for(asyncio.shield(task), max(0.1, deadline - time.monotonic()))
    except asyncio.TimeoutError:
        if inbox_id is None and (await asyncio.wrap_future(stored))[0] is None:  # answered only once stored
            raise replayed() from None
        task.add_done_callback(lambda t: _send_late(ctx, msg, t))
        return None
    if reply is REPLAYED:
        raise replayed()
    if reply is BUSY:
        return await _holder_reply(ctx, inbox_id if inbox_id is not None else stored.result()[0].id, deadline)
    return reply


def _processing(ctx: BotContext, loop: asyncio.AbstractEventLoop, work, *args) -> asyncio.Future:
    """`work(*args)` on a processing thread, counted in flight until it ends."""
    ctx.workers.in_flight += 1
    task = loop.run_in_executor(ctx.workers.process, work, *args)

    def settled(_task) -> None:
        ctx.workers.in_flight -= 1
    task.add_done_callback(settled)
    return task


def store_and_answer(ctx: BotContext, msg: Incoming, now, query: Seen | None, stored: Future):
    """Store the message claimed, then answer it (answer_stored), on one processing thread; `stored` gets
    (row, created) as soon as the row is committed, REPLAYED is the answer to a query replayed with another body."""
    try:
        row, created = inbox.store_many(ctx.engine, ctx.privacy, [(msg, now, ctx.instance, query)])[0]
    except BaseException as exc:
        stored.set_exception(exc)
        raise
    stored.set_result((row, created))
    if row is None:
        return REPLAYED
    crash_point("inbox.stored")  # stored and committed, not yet answered: WeChat will retry
    return answer_stored(ctx, msg, row, created)


async def _holder_reply(ctx: BotContext, inbox_id: int, deadline: float) -> str | None:
    """The answer the copy being processed elsewhere ends with, if it comes in time."""
    while time.monotonic() < deadline:
        await asyncio.sleep(POLL_S)
        row = await asyncio.to_thread(inbox.load, ctx.engine, inbox_id)
        if row is not None and row.status in ("done", "failed"):
            return inbox.reply_of(ctx.privacy, row)
    return None  # the holder answers its own request or queues the reply


async def _answered_elsewhere(ctx: BotContext, msg: Incoming, query: Seen | None, deadline: float) -> str | None:
    """server.processing: separate. Store the message for the processing process, then carry its answer if
    it comes within the budget; past that, or while that process is behind, it goes out through the outbox."""
    loop = asyncio.get_running_loop()
    if ctx.storer is None or ctx.storer.loop is not loop:
        ctx.storer = GroupStore(ctx.engine, ctx.privacy, ctx.workers.store, loop)
        ctx.answers = Answers(ctx.engine, loop)
    wait = not ctx.answers.behind
    stored, _created = await ctx.storer.store(msg, ctx.clock.now(), None, query, awaited=wait)
    if stored is None:
        raise replayed()
    crash_point("inbox.stored")
    if stored.status in ("done", "failed"):  # a retry of a message answered already: its answer at once
        return inbox.reply_of(ctx.privacy, stored) if stored.status == "done" else None
    awaited = bool((stored.payload or {}).get(AWAITED))  # a retry's: whether the first copy's callback waits
    row = await ctx.answers.finished(stored.id, max(0.0, deadline - time.monotonic())) if wait and awaited else None
    if row is None:
        # no answer (in time): the processing process sends it itself, unless it finished just now
        if not awaited or await loop.run_in_executor(ctx.workers.store, release, ctx.engine, stored):
            _count_deferred(ctx)
            return None
        row = await loop.run_in_executor(ctx.workers.store, inbox.load, ctx.engine, stored.id)
    return inbox.reply_of(ctx.privacy, row) if row is not None and row.status == "done" else None


def _send_late(ctx: BotContext, msg: Incoming, task) -> None:
    """The answer came after WeChat stopped waiting: send it (or update the tapped card) through the outbox."""
    if task.cancelled() or task.exception():
        return
    reply = task.result()
    if reply and reply is not BUSY:
        # a done-callback runs on the event loop: the database write goes to a thread, or every
        # callback would wait behind it (on SQLite up to the busy timeout, exactly when load peaks)
        asyncio.get_running_loop().run_in_executor(ctx.workers.store, answer_late, ctx, msg, reply)


def _count_deferred(ctx: BotContext) -> None:
    if ctx.metrics:
        ctx.metrics.inbox_processed.labels("deferred").inc()
