"""Callbacks' messages stored in groups: one transaction for many under load, each message still its own."""
import asyncio
from concurrent.futures import ThreadPoolExecutor

from bot.inbound import inbox, storing
from bot.inbound.incoming import Incoming
from bot.inbound.storing import GroupStore
from core.privacy import Privacy

PRIVACY = Privacy.ephemeral()


def _msg(n: int, text: str = "桂花苑3栋路灯坏了") -> Incoming:
    return Incoming(channel="mp", sender=f"oWang{n}", msg_key=f"mp:{n}", msg_type="text", text=text)


async def test_it_writes_messages_that_arrive_together_in_one_transaction(engine, clock, monkeypatch):
    groups = []
    real = inbox.store_many
    monkeypatch.setattr(storing.inbox, "store_many",
                        lambda e, p, items, *more: groups.append(len(items)) or real(e, p, items, *more))
    with ThreadPoolExecutor(1) as pool:
        store = GroupStore(engine, PRIVACY, pool, asyncio.get_running_loop())
        results = await asyncio.gather(*(store.store(_msg(n % 30), clock.now(), "test") for n in range(60)))
    assert [row.msg_key for row, _ in results] == [f"mp:{n % 30}" for n in range(60)]
    assert [created for _, created in results] == [True] * 30 + [False] * 30  # a retry finds the first copy
    assert sum(groups) == 60 and len(groups) < 10


async def test_a_bad_message_does_not_cost_the_others_their_place(engine, clock, monkeypatch):
    real = inbox.store_many

    def fussy(e, p, items, *more):
        if any(m.text == "坏" for m, *_ in items):
            raise ValueError("cannot store this one")
        return real(e, p, items, *more)
    monkeypatch.setattr(storing.inbox, "store_many", fussy)
    with ThreadPoolExecutor(1) as pool:
        store = GroupStore(engine, PRIVACY, pool, asyncio.get_running_loop())
        results = await asyncio.gather(*(store.store(_msg(n, "坏" if n == 3 else "路灯坏了"), clock.now(), None)
                                         for n in range(6)), return_exceptions=True)
    assert isinstance(results[3], ValueError)
    assert [r[0].msg_key for i, r in enumerate(results) if i != 3] == ["mp:0", "mp:1", "mp:2", "mp:4", "mp:5"]


def test_it_keeps_text_that_no_engine_can_store_out_of_the_store(engine, clock):
    row, created = inbox.store(engine, PRIVACY, _msg(7, "路灯\x00坏了\udcff"), clock.now())
    assert created and row.content == "路灯坏了?"
