"""Official Account residents: customer-service messages within 48 hours and 5 of WeChat's allowance,
important notices as template messages or subscription notices past it, refusals final and quiet.

A resident reports through the real /wechat/mp callback; dispatch writes the notices; the real sender
delivers them to the fake WeChat, which answers 45015/45047 (as WeChat keeps its own count), template
and subscription sends, and 43101 for a resident who did not subscribe.
"""
import random

import aiohttp
import pytest
from sqlmodel import select

from bot.outbound import oa_quota
from bot.outbound.sender import Sender
from bot.outbound.tokens import TokenCache
from bot.outbound.transports import Transports
from core.config_wechat import NoticeTemplate
from models import Outbox, Resident, outbox
from models.store import session
from tests.bot.test_conversation import say, tickets
from tests.channels.conftest import holder
from tests.fakes.wechat_server import fake  # noqa: F401 - fixture
from web.console.timeline import timeline

WANG = "oWangAyi"
TEMPLATES = {
    "accepted": NoticeTemplate(id="TPL_ACCEPTED", kind="template",
                               data={"character_string1": "{number}", "phrase2": "{status}", "time3": "{time}"}),
    "closed": NoticeTemplate(id="TPL_CLOSED", kind="template", data={"character_string1": "{number}",
                                                                     "thing2": "{text}", "phrase3": "{status}"}),
    "followup": NoticeTemplate(id="TPL_FOLLOWUP", kind="subscribe", data={"character_string1": "{number}",
                                                                          "thing2": "请回复满意或不满意"}),
}


@pytest.fixture
def wechat_settings(wechat_settings, fake):  # the callbacks' keys, plus the OA's and WeCom's APIs at the fake
    w, api = wechat_settings.wechat, str(fake.server.make_url("/"))
    mp = w.mp.model_copy(update={"app_secret": "s", "api_base_url": api, "templates": TEMPLATES})
    work = w.work.model_copy(update={"secret": "s", "agent_id": 1000002, "api_base_url": api})
    return wechat_settings.model_copy(update={"wechat": w.model_copy(update={"mp": mp, "work": work})})


@pytest.fixture
async def sender(bot_ctx):
    async with aiohttp.ClientSession() as http:
        yield Sender(bot_ctx, Transports(bot_ctx.settings, http, TokenCache(bot_ctx.engine, bot_ctx.clock)),
                     rng=random.Random(1))


async def report(client, clock, engine, msg_id: int = 9001):
    await say(client, clock, WANG, "锦绣花园12栋楼道里有人给电瓶车充电 线拉得到处都是", msg_id)
    [ticket] = tickets(engine)
    return ticket, holder(engine, ticket.id)


async def deliver(sender, clock) -> None:
    while await sender.step(clock.now()):
        pass


def resident_rows(engine) -> dict[str, Outbox]:
    with session(engine) as db:
        rid = db.exec(select(Resident.id).where(Resident.external_id == WANG)).one()
        return {r.idem_key: r for r in db.exec(select(Outbox).where(Outbox.recipient == str(rid))).all()}


def alerts(engine) -> list[str]:
    with session(engine) as db:
        return db.exec(select(Outbox.idem_key).where(Outbox.idem_key.startswith("alert:"))).all()


def queue_to_resident(engine, clock, key: str, text: str) -> None:
    with session(engine) as db:
        rid = db.exec(select(Resident.id).where(Resident.external_id == WANG)).one()
        outbox.push(db, key=key, audience="resident", recipient=str(rid), text=text, now=clock.now())
        db.commit()


async def test_within_48_hours_notices_go_as_customer_service_messages(client, clock, engine, sender, fake):
    ticket, worker = await report(client, clock, engine)
    clock.advance("5m")
    sender.ctx.dispatcher.act(worker, "accept", ticket.id)
    await deliver(sender, clock)
    [accepted] = [s for s in fake.sent if s.to == WANG]
    assert accepted.api == "mp" and "签收" in accepted.text
    assert {r.status for r in resident_rows(engine).values()} == {"sent"}


async def test_past_48_hours_the_important_notices_go_as_template_and_subscription_notices(client, clock, engine,
                                                                                            sender, fake):
    ticket, worker = await report(client, clock, engine)
    fake.subscribed.add(WANG)
    clock.advance("49h")  # the resident has not written since the report
    sender.ctx.dispatcher.act(worker, "accept", ticket.id)
    sender.ctx.dispatcher.act(worker, "resolve", ticket.id, "已劝离，电线已拆除")
    clock.advance(sender.ctx.settings.intake.followup_after)
    sender.ctx.dispatcher.tick(clock.now())
    await deliver(sender, clock)
    sent = [s for s in fake.sent if s.to == WANG]
    assert [(s.api, s.body["template_id"]) for s in sent] == [
        ("mp_template", "TPL_ACCEPTED"), ("mp_template", "TPL_CLOSED"), ("mp_subscribe", "TPL_FOLLOWUP")]
    accepted, closed, followup = (s.body["data"] for s in sent)
    assert accepted["character_string1"]["value"] == ticket.number and accepted["phrase2"]["value"] == "已签收"
    assert len(closed["thing2"]["value"]) == 20 and closed["thing2"]["value"].endswith("…")  # thing: 20 at most
    assert closed["phrase3"]["value"] == "已办结" and followup["thing2"]["value"] == "请回复满意或不满意"
    assert [s for s in fake.requests if s.api == "mp"] == []  # our count knew the window had passed
    assert sent[0].body["client_msg_id"] and "client_msg_id" not in sent[2].body
    with session(engine) as db:
        states = {s.detail for s in timeline(db, ticket.id) if s.kind == "push" and s.title == "推送给居民"}
    assert states == {"已送达（模板消息）", "已送达（订阅通知）"}


async def test_the_sixth_message_in_a_window_is_not_a_customer_service_message(client, clock, engine, sender, fake):
    ticket, worker = await report(client, clock, engine)
    for n in range(5):
        queue_to_resident(engine, clock, f"chat{n}", f"补充说明{n}")
    await deliver(sender, clock)
    queue_to_resident(engine, clock, "chat5", "第六条")  # not a notice with a template: it cannot go
    sender.ctx.dispatcher.act(worker, "accept", ticket.id)  # 签收: goes as a template message
    await deliver(sender, clock)
    rows = resident_rows(engine)
    assert [s.api for s in fake.sent if s.to == WANG] == ["mp"] * 5 + ["mp_template"]
    assert rows["chat5"].status == "failed" and rows["chat5"].last_error.startswith("45047 居民上次发消息后已发满5条")
    assert alerts(engine) == []  # nothing is broken: no supervisor hears "发送失败"
    await say(client, clock, WANG, "请问什么时候来处理", 9002)  # the resident writes again: a new window
    queue_to_resident(engine, clock, "chat6", "今天下午到")
    await deliver(sender, clock)
    assert fake.to(WANG)[-1] == "今天下午到" and fake.sent[-1].api == "mp"


async def test_wechats_45047_is_final_falls_back_to_the_template_and_closes_the_window(client, clock, engine,
                                                                                        sender, fake):
    ticket, worker = await report(client, clock, engine)
    fake.mp_refuse[WANG] = 45047  # WeChat counted messages this service did not see (another system, say)
    sender.ctx.dispatcher.act(worker, "accept", ticket.id)
    queue_to_resident(engine, clock, "chat", "网格员马上到")
    await deliver(sender, clock)
    rows = resident_rows(engine)
    accepted = next(r for k, r in rows.items() if ":accepted:" in k)
    assert (accepted.status, accepted.delivered_as) == ("sent", "template")
    assert rows["chat"].status == "failed" and rows["chat"].attempts == 1 and "45047" in rows["chat"].last_error
    assert [s.api for s in fake.requests if s.to == WANG] == ["mp", "mp_template"]  # asked once, then counted used
    assert alerts(engine) == []


async def test_45015_without_a_template_fails_quietly_and_the_ticket_page_says_why(client, clock, engine, sender,
                                                                                  fake, monkeypatch):
    ticket, worker = await report(client, clock, engine)
    w = sender.ctx.settings.wechat
    no_templates = w.model_copy(update={"mp": w.mp.model_copy(update={"templates": {}})})
    monkeypatch.setattr(sender.transports, "settings", sender.ctx.settings.model_copy(update={"wechat": no_templates}))
    fake.mp_refuse[WANG] = 45015
    sender.ctx.dispatcher.act(worker, "accept", ticket.id)
    await deliver(sender, clock)
    [row] = resident_rows(engine).values()
    assert row.status == "failed" and row.attempts == 1 and alerts(engine) == []
    with session(engine) as db:
        [step] = [s for s in timeline(db, ticket.id) if s.title == "推送给居民"]
    assert step.detail == "未送达：居民48小时内没有发来消息，客服消息发不出，且未配置「签收」模板消息（45015）"


async def test_a_resident_who_did_not_subscribe_gets_43101_final_and_quiet(client, clock, engine, sender, fake):
    ticket, worker = await report(client, clock, engine)
    sender.ctx.dispatcher.act(worker, "accept", ticket.id)
    sender.ctx.dispatcher.act(worker, "resolve", ticket.id, "已处理")
    await deliver(sender, clock)
    clock.advance("48h1m")  # past the window: 回访 goes as a subscription notice
    sender.ctx.dispatcher.tick(clock.now())
    await deliver(sender, clock)
    followup = next(r for k, r in resident_rows(engine).items() if ":followup:" in k)
    assert followup.status == "failed" and "43101" in followup.last_error and alerts(engine) == []


async def test_a_transient_failure_gives_the_message_back_to_the_count(client, clock, engine, sender, fake):
    await report(client, clock, engine)
    await sender.step(clock.now())  # a token first, so the injected failure hits the send
    fake.fail_next(-1)
    for n in range(5):
        queue_to_resident(engine, clock, f"chat{n}", f"第{n}条")
    await deliver(sender, clock)
    clock.advance("10m")
    await deliver(sender, clock)
    assert [r.status for r in resident_rows(engine).values()] == ["sent"] * 5
    with session(engine) as db:
        assert db.exec(select(Resident.cs_sent).where(Resident.external_id == WANG)).one() == 5


def test_two_senders_cannot_both_take_the_fifth_message(bot_ctx, engine, clock):
    from bot.inbound import inbox
    from bot.inbound.incoming import Incoming
    with session(engine) as db:
        resident = Resident(channel="mp", external_id=WANG, created_at=clock.now())
        db.add(resident)
        db.commit()
    inbox.store(engine, bot_ctx.privacy, Incoming(channel="mp", sender=WANG, msg_key="mp:1", msg_type="text", text="你好"),
                clock.now())
    slots = [oa_quota.reserve(engine, resident.id, clock.now()) for _ in range(7)]
    assert [s.refused for s in slots] == [0] * 5 + [oa_quota.QUOTA_USED] * 2
    clock.advance("48h1m")
    assert oa_quota.reserve(engine, resident.id, clock.now()).refused == oa_quota.WINDOW_PASSED
