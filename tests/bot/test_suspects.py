"""疑似报事: a message that could be a report is never dropped: the desk sees it; in 1:1 the bot asks."""
import dataclasses

import pytest
from sqlmodel import select

from models import Conversation, SuspectReport
from models.store import session
from tests.bot import wechat
from tests.bot.test_conversation import say, tickets

UNSURE = "我家那口子又喝多了在楼下嚷嚷 也不知道要不要紧"


class Unsure:
    """The real classifier, except that UNSURE lands in the 疑似报事 band."""

    def __init__(self, real):
        self.real = real

    def classify(self, text):
        triage = self.real.classify(text)
        if UNSURE in text:
            return dataclasses.replace(triage, is_report=False, kind=None, category=None, urgency=None,
                                       location=None, confidence=0.6, suspected=True, needs_human=True)
        return triage


@pytest.fixture
def bot_ctx(bot_ctx):
    bot_ctx.classifier = Unsure(bot_ctx.classifier)
    return bot_ctx


def suspects(engine) -> list[SuspectReport]:
    with session(engine) as db:
        return db.exec(select(SuspectReport).order_by(SuspectReport.id)).all()


async def test_in_a_group_it_stays_silent_and_the_desk_gets_the_message(client, clock, engine):
    ts = int(clock.now().timestamp())
    query, body = wechat.mp_safe(wechat.text_xml("oGroupie", UNSURE, 201, ts, chat_id="wrGroup1"), ts)
    assert await (await client.post("/wechat/mp", params=query, data=body)).text() == "success"
    [row] = suspects(engine)
    assert (row.text, row.status, row.chat_id, row.inbox_id is not None) == (UNSURE, "open", "wrGroup1", True)
    assert row.triage["suspected"] is True and tickets(engine) == []


async def test_one_to_one_the_bot_asks_and_a_yes_registers_it_for_the_duty_desk(client, clock, engine):
    assert await say(client, clock, "oHu", UNSURE, 211) == "需要帮您登记吗？回复“需要”即登记，值班人员会尽快处理。"
    reply = await say(client, clock, "oHu", "需要", 212)
    [ticket] = tickets(engine)
    [row] = suspects(engine)
    assert reply.startswith(f"已受理，编号 {ticket.number}") and ticket.route == "triage"
    assert (row.status, row.decided_by, row.ticket_id) == ("filed", "resident", ticket.id)


async def test_a_no_dismisses_it_and_anything_else_is_read_as_a_new_message(client, clock, engine):
    await say(client, clock, "oHu", UNSURE, 221)
    assert await say(client, clock, "oHu", "不用了", 222) == "好的，不登记。如有需要随时发消息说明在哪、发生了什么。"
    assert [r.status for r in suspects(engine)] == ["ignored"] and tickets(engine) == []
    await say(client, clock, "oHu", UNSURE, 223)
    reply = await say(client, clock, "oHu", "桂花苑3栋的路灯坏了好几天了", 224)
    assert reply.startswith("已受理") and [t.category for t in tickets(engine)] == ["facility_repair"]
    with session(engine) as db:
        assert db.get(Conversation, suspects(engine)[1].resident_id).state == "idle"


async def test_a_late_yes_is_not_taken_as_consent(client, clock, engine):
    await say(client, clock, "oHu", UNSURE, 231)
    clock.advance("11m")
    await say(client, clock, "oHu", "需要", 232)
    assert tickets(engine) == [] and [r.status for r in suspects(engine)] == ["open"]
