"""Button cards at the fake WeCom: a task_id per send, the response_code kept per row, and the updates
that retire a card's buttons with it (message/update_template_card), retried or given up as WeCom says."""
import random

import aiohttp
from sqlmodel import select

from bot.outbound.sender import Sender
from bot.outbound.transports import Transports
from models import Outbox, cards
from models.store import session
from tests.bot.test_sender import _cut_off_mid_send, fake, queue, rows, sender  # noqa: F401 - fixtures
from tests.fakes.wechat_server import CODE_REFUSED

CARD = {"title": "【新工单】GW-20261124-0001", "description": "楼道充电", "ticket_id": 1, "number": "GW-20261124-0001",
        "buttons": [{"key": "accept:1", "text": "接单"}, {"key": "resolve:1", "text": "办结"}]}


def retire(engine, clock, key: str, label: str) -> None:
    """What dispatch writes when the ticket moves on (dispatch/cards.py)."""
    with session(engine) as db:
        card = db.exec(select(Outbox).where(Outbox.idem_key == key)).one()
        cards.queue_update(db, card, cards.mark(db, card, label), clock.now())
        db.commit()


def row_for(engine, key: str) -> Outbox:
    return rows(engine)[key]


async def test_a_card_keeps_the_response_code_wecom_returned_for_it(sender, fake, engine, clock):
    queue(engine, clock, "t1:c1:task:wg_li", "member", "wg_li", "【新工单】", card=CARD)
    assert await sender.step(clock.now()) == 1
    row = row_for(engine, "t1:c1:task:wg_li")
    [sent] = fake.cards_to("LiMing")
    assert sent["task_id"] == row.task_id == "t1_c1_task_wg_li@1"
    assert fake.codes[row.response_code] == ("LiMing", row.task_id) and row.code_at is not None


async def test_the_update_goes_to_the_holder_with_the_cards_own_code_once(sender, fake, engine, clock):
    queue(engine, clock, "t1:c1:task:wg_wangfang", "member", "wg_wangfang", "【抄送】", card=CARD)
    await sender.step(clock.now())
    code = row_for(engine, "t1:c1:task:wg_wangfang").response_code
    retire(engine, clock, "t1:c1:task:wg_wangfang", "已由李明接单")
    assert await sender.step(clock.now()) == 1
    [update] = fake.card_updates
    assert (update.to, update.response_code, update.label, update.ok) == ("WangFang", code, "已由李明接单", True)
    assert row_for(engine, "card:" + str(row_for(engine, "t1:c1:task:wg_wangfang").id)).status == "sent"
    assert row_for(engine, "t1:c1:task:wg_wangfang").response_code is None  # spent: never offered again
    assert fake.updated("WangFang") == ["已由李明接单"] and len(fake.to("WangFang")) == 1  # no new message


async def test_an_update_waits_for_its_card_to_be_sent(sender, fake, engine, clock):
    queue(engine, clock, "t2:c1:task:wg_li", "member", "wg_li", "【新工单】", card=CARD)
    queue(engine, clock, "flood", "member", "wg_li", "x")
    retire(engine, clock, "t2:c1:task:wg_li", "已关闭")
    with session(engine) as db:  # the card is held back (rate limit, a slow API): the update must not overtake it
        card = db.exec(select(Outbox).where(Outbox.idem_key == "t2:c1:task:wg_li")).one()
        card.next_attempt_at = clock.now().replace(year=2030)
        db.add(card)
        db.commit()
    await sender.step(clock.now())
    update = row_for(engine, f"card:{card.id}")
    assert (update.status, update.attempts) == ("pending", 0) and fake.card_updates == []
    with session(engine) as db:
        held = db.get(Outbox, card.id)
        held.next_attempt_at = clock.now()
        db.add(held)
        db.commit()
    clock.advance("20s")
    await sender.step(clock.now())
    assert fake.updated("LiMing") == ["已关闭"] and row_for(engine, f"card:{card.id}").status == "sent"


async def test_a_spent_code_is_final_never_retried_and_alarms_nobody(sender, fake, engine, clock):
    queue(engine, clock, "t3:c1:task:wg_li", "member", "wg_li", "【新工单】", card=CARD)
    await sender.step(clock.now())
    fake.codes.clear()  # the code was used already (elsewhere, or by a run that died before recording it)
    retire(engine, clock, "t3:c1:task:wg_li", "已由王芳接单")
    assert await sender.step(clock.now()) == 0
    card = row_for(engine, "t3:c1:task:wg_li")
    update = row_for(engine, f"card:{card.id}")
    assert update.status == "failed" and str(CODE_REFUSED) in update.last_error
    clock.advance("1h")
    await sender.step(clock.now())
    assert [u.errcode for u in fake.card_updates] == [CODE_REFUSED]  # asked once
    assert not [r for r in rows(engine) if r.startswith("alert:")]


async def test_a_code_older_than_72_hours_is_not_used(sender, fake, engine, clock):
    queue(engine, clock, "t4:c1:task:wg_li", "member", "wg_li", "【新工单】", card=CARD)
    await sender.step(clock.now())
    clock.advance("3d")
    retire(engine, clock, "t4:c1:task:wg_li", "已改派给王芳")
    await sender.step(clock.now())
    update = row_for(engine, f"card:{row_for(engine, 't4:c1:task:wg_li').id}")
    assert update.status == "failed" and "72 小时" in update.last_error
    assert fake.card_updates == [] and not [r for r in rows(engine) if r.startswith("alert:")]


async def test_a_busy_wecom_is_asked_again_with_the_same_code(sender, fake, engine, clock):
    queue(engine, clock, "t5:c1:task:wg_li", "member", "wg_li", "【新工单】", card=CARD)
    await sender.step(clock.now())
    code = row_for(engine, "t5:c1:task:wg_li").response_code
    retire(engine, clock, "t5:c1:task:wg_li", "已办结")
    fake.fail_next(-1)
    assert await sender.step(clock.now()) == 0
    clock.advance("1m")
    assert await sender.step(clock.now()) == 1
    assert [(u.response_code, u.errcode) for u in fake.card_updates] == [(code, -1), (code, 0)]


async def test_an_update_for_a_card_that_never_arrived_is_dropped_quietly(sender, fake, engine, clock):
    queue(engine, clock, "t6:c1:task:wg_li", "member", "wg_li", "【新工单】", card=CARD)
    fake.fail_next(81013)  # the recipient is not in the app's range: the card fails for good
    await sender.step(clock.now())
    retire(engine, clock, "t6:c1:task:wg_li", "已关闭")
    await sender.step(clock.now())
    update = row_for(engine, f"card:{row_for(engine, 't6:c1:task:wg_li').id}")
    assert update.status == "failed" and "未送达" in update.last_error and fake.card_updates == []


async def test_a_card_cut_off_mid_send_is_resent_with_a_task_id_of_its_own(sender, fake, engine, clock):
    queue(engine, clock, "t7:c1:task:wg_li", "member", "wg_li", "【新工单】", card=CARD)
    await sender.step(clock.now())  # delivered, and then the process died before recording it
    _cut_off_mid_send(engine, "t7:c1:task:wg_li", clock)
    clock.advance("1s")
    assert await sender.step(clock.now()) == 1
    row = row_for(engine, "t7:c1:task:wg_li")
    assert (row.status, row.ambiguous) == ("sent", True)
    assert [c["task_id"] for c in fake.cards_to("LiMing")] == ["t7_c1_task_wg_li@1", "t7_c1_task_wg_li@2"]
    assert row.task_id == "t7_c1_task_wg_li@2" and fake.codes[row.response_code][1] == row.task_id


async def test_a_card_without_an_answer_is_resent_with_a_new_task_id_and_flagged(sender, fake, engine, clock):
    quick = Transports(sender.ctx.settings, sender.transports.http, sender.transports.tokens,
                       timeout=aiohttp.ClientTimeout(total=0.2))
    impatient = Sender(sender.ctx, quick, rng=random.Random(1))
    queue(engine, clock, "warm", "member", "wg_li", "token first")
    await impatient.step(clock.now())
    fake.fail_next(("delay", 1.0))  # WeCom takes it, but answers too late
    queue(engine, clock, "t8:c1:task:wg_li", "member", "wg_li", "【新工单】", card=CARD)
    assert await impatient.step(clock.now()) == 0
    assert row_for(engine, "t8:c1:task:wg_li").ambiguous  # it may be on the phone already
    clock.advance("1m")
    assert await impatient.step(clock.now()) == 1
    ids = [r.body["template_card"]["task_id"] for r in fake.requests if r.body.get("template_card")]
    assert len(ids) == len(set(ids)) == 2 and row_for(engine, "t8:c1:task:wg_li").task_id == ids[-1]


async def test_the_demo_page_needs_no_code(engine, clock, settings):
    async with aiohttp.ClientSession() as http:
        from bot.context import BotContext
        from bot.outbound.tokens import TokenCache
        demo = Sender(BotContext(settings, engine, clock, None, None), Transports(settings, http, TokenCache(engine, clock)))
        queue(engine, clock, "t9:c1:task:wg_li", "member", "wg_li", "【新工单】", card=CARD)
        await demo.step(clock.now())
        assert row_for(engine, "t9:c1:task:wg_li").response_code is None
        retire(engine, clock, "t9:c1:task:wg_li", "已由王芳接单")
        assert await demo.step(clock.now()) == 1  # the page reads the update from the outbox
        assert row_for(engine, f"card:{row_for(engine, 't9:c1:task:wg_li').id}").status == "sent"
