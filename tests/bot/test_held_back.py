"""A recipient past its rate limit: its messages wait together and go in order, while others' go now."""
import random
from datetime import timedelta

from sqlmodel import select

from bot.outbound.sender import Sender
from core.clock import utc
from models import Outbox
from models.store import session
from tests.bot.test_sender import queue, rows, sender  # noqa: F401 - fixture
from tests.dispatch.test_queries import counting
from tests.fakes.wechat_server import fake  # noqa: F401 - fixture


def fill_the_minute(sender, engine, clock, limit: int) -> None:
    """wg_li (LiMing) gets all a minute allows, at the clock's now."""
    for i in range(limit):
        queue(engine, clock, f"early{i:02}", "member", "wg_li", f"early{i}")


async def test_a_held_recipients_messages_wait_together_while_others_go(sender, fake, engine, clock, settings):
    limit = settings.wechat.send_rate_per_minute
    fill_the_minute(sender, engine, clock, limit)
    first = clock.now()
    await sender.step(first)
    for i in range(50):  # more than a claim takes: some are claimed, the rest wait unclaimed
        queue(engine, clock, f"held{i:02}", "member", "wg_li", f"held{i}")
        if i % 10 == 0:
            queue(engine, clock, f"chen{i:02}", "member", "sz_chen", f"chen{i}")
            queue(engine, clock, f"lin{i:02}", "member", "sz_lin", f"lin{i}")
    clock.advance("2s")
    await sender.step(clock.now())
    await sender.step(clock.now())
    assert fake.to("ChenSuo") == [f"chen{i}" for i in range(0, 50, 10)]
    assert fake.to("LinJiao") == [f"lin{i}" for i in range(0, 50, 10)]
    held = [r for k, r in rows(engine).items() if k.startswith("held")]
    assert len(fake.to("LiMing")) == limit and {r.status for r in held} == {"pending"}
    assert {utc(r.next_attempt_at) for r in held} == {first + timedelta(seconds=61)}  # when the minute frees
    assert all(r.last_error == "rate limited" and r.attempts == 0 for r in held)  # held back is not an attempt
    clock.advance("60s")
    while await sender.step(clock.now()):
        clock.advance("61s")
    assert fake.to("LiMing")[limit:] == [f"held{i}" for i in range(50)]


async def test_holding_back_50_takes_the_statements_holding_back_5_does(sender, fake, engine, clock, settings):
    fill_the_minute(sender, engine, clock, settings.wechat.send_rate_per_minute)
    await sender.step(clock.now())
    counts = []
    for backlog in (5, 50):
        for i in range(backlog):
            queue(engine, clock, f"b{backlog}-{i:02}", "member", "wg_li", f"m{i}")
        with counting(engine) as statements:
            assert await sender.step(clock.now()) == 0
        counts.append(len(statements))
        with session(engine) as db:
            due = db.exec(select(Outbox).where(Outbox.status != "sent", Outbox.next_attempt_at <= clock.now())).all()
        assert due == []
    assert counts[0] == counts[1]


async def test_long_backlogs_go_in_order_beside_steady_traffic(sender, fake, engine, clock, settings):
    """Claims smaller than the backlogs, a tick every 2 s, others' messages coming in all the while: each
    message waits for the ones written to its recipient before it."""
    small = Sender(sender.ctx, sender.transports, batch=10, rng=random.Random(1))
    for i in range(60):
        queue(engine, clock, f"li{i:02}", "member", "wg_li", f"li{i:02}")
        queue(engine, clock, f"chen{i:02}", "member", "sz_chen", f"chen{i:02}")
    for tick in range(150):
        if tick % 3 == 0:
            queue(engine, clock, f"lin{tick:03}", "member", "sz_lin", f"lin{tick:03}")
        await small.step(clock.now())
        clock.advance("2s")
    assert fake.to("LiMing") == [f"li{i:02}" for i in range(60)]
    assert fake.to("ChenSuo") == [f"chen{i:02}" for i in range(60)]
    assert fake.to("LinJiao") == [f"lin{t:03}" for t in range(0, 150, 3)]


async def test_a_held_message_cut_off_mid_send_is_flagged_and_waits_its_turn(sender, fake, engine, clock, settings):
    limit = settings.wechat.send_rate_per_minute
    fill_the_minute(sender, engine, clock, limit)
    await sender.step(clock.now())
    for key in ("x0", "x1", "x2"):
        queue(engine, clock, key, "member", "wg_li", key)
    with session(engine) as db:
        row = db.exec(select(Outbox).where(Outbox.idem_key == "x1")).one()
        row.status, row.send_started_at, row.lease_until = "sending", clock.now(), clock.now()
        db.add(row)
        db.commit()
    clock.advance("1s")
    await sender.step(clock.now())
    waiting = rows(engine)
    assert [(waiting[k].status, waiting[k].ambiguous, waiting[k].send_started_at) for k in ("x0", "x1", "x2")] == [
        ("pending", False, None), ("pending", True, None), ("pending", False, None)]
    assert len({waiting[k].next_attempt_at for k in ("x0", "x1", "x2")}) == 1
    clock.advance("60s")
    await sender.step(clock.now())
    assert fake.to("LiMing")[limit:] == ["x0", "x1", "x2"]
