"""A recipient's address is looked up once for the rows of one claim, and again for the next claim."""
from bot.outbound.sender import Sender
from models import Member
from models.store import session
from tests.bot.test_sender import queue, sender  # noqa: F401 - fixture
from tests.dispatch.test_queries import counting
from tests.fakes.wechat_server import fake  # noqa: F401 - fixture


def member_lookups(statements: list[str]) -> int:
    return sum("FROM member" in s for s in statements)


async def test_a_claims_rows_for_one_member_read_the_member_once(sender: Sender, fake, engine, clock):
    for i in range(5):
        queue(engine, clock, f"m{i}", "member", "wg_li", f"m{i}")
    with counting(engine) as statements:
        assert await sender.step(clock.now()) == 5
    assert fake.to("LiMing") == [f"m{i}" for i in range(5)]
    assert member_lookups(statements) == 1


def set_wechat_id(engine, member_id: str, wechat_id: str) -> None:
    with session(engine) as db:
        member = db.get(Member, member_id)
        member.wechat_id = wechat_id
        db.add(member)
        db.commit()


async def test_a_new_address_is_used_from_the_next_claim(sender: Sender, fake, engine, clock):
    queue(engine, clock, "before", "member", "wg_li", "before")
    await sender.step(clock.now())
    set_wechat_id(engine, "wg_li", "LiMingNew")
    try:
        queue(engine, clock, "after", "member", "wg_li", "after")
        await sender.step(clock.now())
    finally:  # PostgreSQL's tests share the members (tests/conftest.py keeps the directory tables)
        set_wechat_id(engine, "wg_li", "LiMing")
    assert fake.to("LiMing") == ["before"] and fake.to("LiMingNew") == ["after"]
