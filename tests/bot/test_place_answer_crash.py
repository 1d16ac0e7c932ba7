"""A crash between the answer to "where?" and the ticket: the report waits on, for WeChat's retry or the timeout."""
import pytest
from sqlmodel import select

from bot.conversation.asking import give_up_on_place
from bot.inbound import inbox
from bot.inbound.handle import answer_stored
from bot.inbound.incoming import Incoming
from models import Conversation, Outbox
from models.store import session
from tests.bot.test_conversation import say, tickets
from tests.conftest import SimulatedCrash


async def crash_on_the_answer(client, clock, engine, bot_ctx, crash_at, sender: str, msg_id: int) -> None:
    """The report is asked "where?", the answer is stored, and the process dies right after reading it."""
    assert "请问具体在哪" in await say(client, clock, sender, "路灯坏了好几天了 晚上黑漆漆的", msg_id)
    answer = Incoming(channel="mp", sender=sender, msg_key=f"mp:{msg_id + 1}", msg_type="text", text="桂花苑5栋门口")
    row, _ = inbox.store(engine, bot_ctx.privacy, answer, clock.now(), bot_ctx.instance)
    crash_at("place.answered")
    with pytest.raises(SimulatedCrash):
        answer_stored(bot_ctx, answer, row, claimed=True)
    assert tickets(engine) == []



async def test_wechats_retry_of_the_answer_completes_the_report(client, clock, engine, bot_ctx, crash_at):
    await crash_on_the_answer(client, clock, engine, bot_ctx, crash_at, "oCrash1", 301)
    clock.advance("31s")  # the dead process's claim on the answer runs out
    reply = await say(client, clock, "oCrash1", "桂花苑5栋门口", 302)
    [ticket] = tickets(engine)
    assert reply.startswith(f"已受理，编号 {ticket.number}")
    assert ticket.grid_id == "gh-1" and "路灯" in ticket.text and ticket.place == "桂花苑5栋门口"


async def test_the_place_timeout_still_finds_the_report(client, clock, engine, bot_ctx, crash_at):
    bot_ctx.dispatcher.on_deadline("ask_place", lambda d, now: give_up_on_place(bot_ctx, d, now))
    await crash_on_the_answer(client, clock, engine, bot_ctx, crash_at, "oCrash2", 311)
    clock.advance("11m")
    assert bot_ctx.dispatcher.tick(clock.now()) >= 1
    [ticket] = tickets(engine)
    assert "路灯" in ticket.text
    with session(engine) as db:
        told = [o.payload["text"] for o in db.exec(select(Outbox).where(Outbox.channel == "resident")).all()]
        conv = db.exec(select(Conversation)).one()
    assert any("没有收到具体位置" in t and ticket.number in t for t in told)
    assert (conv.state, conv.pending) == ("idle", {})
