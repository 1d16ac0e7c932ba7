"""The shared access_token: read from the store at most every HOLD, another instance's refresh still seen."""
from sqlmodel import select

from bot.outbound.tokens import HOLD, TokenCache
from models import SharedValue
from models.store import session


def _fetcher(tokens: list[str]):
    async def fetch():
        return tokens.pop(0), 7200
    return fetch


def _stored(engine, value: str) -> None:
    with session(engine) as db:
        row = db.exec(select(SharedValue).where(SharedValue.key == "token:work")).one()
        row.value = value
        db.add(row)
        db.commit()


async def test_a_held_token_is_used_unread_until_hold_and_a_refused_one_at_once_no_more(engine, clock):
    here, there = TokenCache(engine, clock), TokenCache(engine, clock)
    assert await here.get("work", _fetcher(["t1"])) == "t1"
    assert await there.get("work", _fetcher([])) == "t1"  # another instance reads the stored one
    _stored(engine, "t2")  # another instance refreshed it
    assert await here.get("work", _fetcher([])) == "t1"  # held: no read
    clock.advance(HOLD)
    assert await here.get("work", _fetcher([])) == "t2"  # read again after HOLD
    await there.invalidate("work", "t1")  # refused by WeChat: not the stored one, so only forgotten here
    assert await there.get("work", _fetcher([])) == "t2"
    await there.invalidate("work", "t2")
    assert await there.get("work", _fetcher(["t3"])) == "t3"
