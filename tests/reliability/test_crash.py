"""kill -9 at each crash point, then restart: nothing acknowledged is lost, nothing happens twice.

Each run starts the real service (`python run.py serve`) on a fresh SQLite file with a fake
WeChat on loopback, posts residents' reports and chatter as signed, encrypted callbacks, lets
the process kill itself with SIGKILL at a crash point (core/faults.py), starts it again, lets
WeChat retry what got no answer, and then reads the store and the fake's deliveries. CI runs
every crash point once; `make soak` adds 20 runs at random points and moments.
"""
import asyncio
import random
import signal

import aiohttp
import pytest

from bot.outbound.sender import PARALLEL
from core.faults import POINTS
from tests.fakes.wechat_server import FakeWeChat
from tests.helpers import free_port
from tests.reliability.crash_run import Traffic, post, traffic, wait_settled
from tests.reliability.invariants import Store, check, check_cards, identity, read_store
from tests.reliability.service import Service, fake, write_config  # noqa: F401 - fixture

# The n-th pass of each point: late enough that some work was done before it.
AT_EACH_POINT = [("inbox.stored", 3), ("inbox.processed", 2), ("outbox.claimed", 2), ("outbox.sent", 3),
                 ("tick.claimed", 1)]


async def crash_and_recover(folder, fake: FakeWeChat, crash_at: str, seed: int) -> tuple[Traffic, Store, list[str]]:
    """One run; returns the traffic, the store at the end and every problem the checks found."""
    url = f"sqlite:///{folder / 'gw.db'}"
    service = Service(write_config(folder, url, str(fake.server.make_url("/"))), free_port(), folder / "service.log")
    t = traffic(seed)
    await asyncio.to_thread(service.start, crash_at)
    async with aiohttp.ClientSession() as http:
        for m in t.messages:
            await post(http, service.base, t, m)
        if not await asyncio.to_thread(service.wait_dead, 10):
            await asyncio.to_thread(service.kill)  # the point was not reached: kill -9 wherever it is now
        elif service.process.returncode != -signal.SIGKILL:
            raise AssertionError(f"the service ended with {service.process.returncode}, not at the crash point")
        answered_before = set(t.acked)
        await asyncio.to_thread(service.start)
        for m in t.messages:  # WeChat retries what got no answer; replay some answered ones as well
            if m.msg_id not in answered_before or m.msg_id % 3 == 0:
                await post(http, service.base, t, m)
        await wait_settled(url)
    await asyncio.to_thread(service.stop)
    store = read_store(url)
    problems = check(store, t, [identity(s) for s in fake.sent]) + check_cards(store, fake.sent, fake.card_updates)
    numbers = {m.key: m for m in t.messages}
    for key, row in store.inbox.items():  # every reporter learns their ticket number, now or later
        ticket = next((x for x in store.tickets if x.id == row.ticket_id), None)
        m = numbers[key]
        if ticket and not any(ticket.number in r for r in t.replies.get(m.msg_id, []) + fake.to(m.sender)):
            problems.append(f"{m.sender} never told ticket {ticket.number}")
    return t, store, problems


@pytest.mark.parametrize("point,count", AT_EACH_POINT, ids=[p for p, _ in AT_EACH_POINT])
async def test_it_survives_kill_9_at(point, count, tmp_path, fake):
    t, store, problems = await crash_and_recover(tmp_path, fake, f"{point}:{count}", seed=POINTS.index(point) + 1)
    assert problems == []
    assert t.acked == {m.msg_id for m in t.messages}  # after the restart WeChat's retries were all answered
    if point == "outbox.sent":  # the messages cut off between WeChat's answer and ours went again, flagged
        assert 1 <= [r.ambiguous for r in store.outbox].count(True) <= PARALLEL  # at most one per lane in flight


@pytest.mark.soak
@pytest.mark.parametrize("run", range(20))
async def test_it_survives_kill_9_at_a_random_moment(run, tmp_path, fake):
    rng = random.Random(run)
    point = rng.choice(POINTS)
    _, _, problems = await crash_and_recover(tmp_path, fake, f"{point}:{rng.randint(1, 8)}", seed=100 + run)
    assert problems == [], point
