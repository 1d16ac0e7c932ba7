"""The inbox worker drains what callbacks left to it on several threads, beside another instance's worker,
and each message is still processed once."""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from sqlmodel import func, select

from bot.context import Workers
from bot.inbound.handle import sweep
from bot.inbound.inbox import store
from bot.inbound.incoming import Incoming
from models import InboxMessage, Outbox, Ticket
from models.store import session
from tests.reliability.crash_run import REPORTS  # eight matters in different places: none merges with another


def _left_to_the_worker(ctx, clock) -> list[str]:
    """Reports from different places and chatter, stored unclaimed as a callback under a backlog stores them."""
    keys = []
    for i in range(30):
        text = REPORTS[i] if i < len(REPORTS) else "大家早上好"
        incoming = Incoming(channel="mp", sender=f"oDrain{i:02d}", msg_key=f"mp:drain:{i}", msg_type="text", text=text)
        store(ctx.engine, ctx.privacy, incoming, clock.now())
        keys.append(incoming.msg_key)
    return keys


def test_two_workers_of_four_threads_each_process_every_message_once(bot_ctx, engine, clock):
    keys = _left_to_the_worker(bot_ctx, clock)
    here = replace(bot_ctx, instance="gw-a", workers=Workers(drain_threads=4))
    there = replace(bot_ctx, instance="gw-b", workers=Workers(drain_threads=4))
    with ThreadPoolExecutor(2) as both:
        done = sum(both.map(lambda ctx: sweep(ctx, clock.now()), (here, there)))
    for ctx in (here, there):
        ctx.workers.shutdown()
    assert done == 30
    with session(engine) as db:
        rows = db.exec(select(InboxMessage)).all()
        replies = db.exec(select(Outbox.idem_key).where(Outbox.idem_key.like("reply:mp:drain:%"))).all()
        tickets = db.exec(select(func.count()).select_from(Ticket)).one()
    assert {r.msg_key for r in rows} == set(keys)
    assert all(r.status == "done" and r.attempts == 1 for r in rows)  # claimed once, by one thread of one worker
    assert tickets == len(REPORTS) and {f"reply:{k}" for k in keys[:len(REPORTS)]} <= set(replies)
    assert sweep(here, clock.now()) == 0
