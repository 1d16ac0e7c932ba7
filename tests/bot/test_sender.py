"""Outbound delivery against the fake WeChat server: tokens, retries, give-ups, rate limits."""
import random
from contextlib import asynccontextmanager

import aiohttp
import pytest
from sqlmodel import select

from bot.context import BotContext
from bot.inbound import inbox
from bot.inbound.incoming import Incoming
from bot.outbound.sender import Sender
from bot.outbound.tokens import TokenCache
from bot.outbound.transports import Transports
from core.clock import utc
from models import Outbox, Resident, outbox
from models.store import session
from tests.fakes.wechat_server import fake  # noqa: F401 - fixture
from tests.helpers import TEST_PRIVACY, with_demo
from web.console.timeline import timeline


def keyed(settings, base: str, webhook: str = "robotkey", mp: bool = True):
    """A deployment's settings against the fake: the WeCom app (and the OA unless mp=False), no demo."""
    w = settings.wechat
    configured = settings.model_copy(update={"wechat": w.model_copy(update={
        "work": w.work.model_copy(update={"corp_id": "wwcorp", "secret": "s", "agent_id": 1000002,
                                          "api_base_url": base, "supervisors_webhook_key": webhook}),
        "mp": w.mp.model_copy(update={"app_id": "wxapp" if mp else "", "app_secret": "s" if mp else "",
                                      "api_base_url": base})})})
    return with_demo(configured, enabled=False)


@asynccontextmanager
async def sender_for(settings, engine, clock):
    ctx = BotContext(settings, engine, clock, None, None, privacy=TEST_PRIVACY)
    async with aiohttp.ClientSession() as http:
        yield Sender(ctx, Transports(settings, http, TokenCache(engine, clock)), rng=random.Random(1))


@pytest.fixture
async def sender(fake, settings, engine, clock):
    async with sender_for(keyed(settings, str(fake.server.make_url("/"))), engine, clock) as sender:
        yield sender


def queue(engine, clock, key: str, audience: str, recipient: str, text: str, card=None):
    with session(engine) as db:
        outbox.push(db, key=key, audience=audience, recipient=recipient, text=text, now=clock.now(), card=card)
        db.commit()


def rows(engine) -> dict[str, Outbox]:
    with session(engine) as db:
        return {r.idem_key: r for r in db.exec(select(Outbox)).all()}


async def test_it_delivers_cards_texts_and_group_messages(sender, fake, engine, clock):
    card = {"title": "【新工单】GW-20261124-0001", "description": "楼道充电", "number": "GW-20261124-0001",
            "buttons": [{"key": "accept:1", "text": "接单"}]}
    queue(engine, clock, "t1:task:wg_li", "member", "wg_li", "【新工单】", card=card)
    queue(engine, clock, "g1", "supervisors_group", "supervisors", "【督办】GW-1")
    assert await sender.step(clock.now()) == 2
    [task] = [s for s in fake.sent if s.to == "LiMing"]
    assert task.body["template_card"]["button_list"] == [{"text": "接单", "style": 1, "key": "accept:1"}]
    assert fake.to("webhook") == ["【督办】GW-1"]
    assert {r.status for r in rows(engine).values()} == {"sent"}
    assert await sender.step(clock.now()) == 0  # nothing is sent twice


async def test_an_expired_token_is_refreshed_and_the_message_still_goes(sender, fake, engine, clock):
    queue(engine, clock, "a", "member", "wg_li", "one")
    await sender.step(clock.now())
    fake.expire_tokens()
    queue(engine, clock, "b", "member", "wg_li", "two")
    assert await sender.step(clock.now()) == 1
    assert fake.to("LiMing") == ["one", "two"] and fake.token_calls == 2


async def test_transient_errors_back_off_and_retry(sender, fake, engine, clock):
    fake.fail_next(45009, "http500", -1)
    queue(engine, clock, "c", "member", "wg_li", "retry me")
    for _ in range(3):
        assert await sender.step(clock.now()) == 0
        row = rows(engine)["c"]
        assert row.status == "pending" and utc(row.next_attempt_at) > clock.now()
        assert await sender.step(clock.now()) == 0  # not before its time
        clock.advance("2m")
    assert await sender.step(clock.now()) == 1
    assert fake.to("LiMing") == ["retry me"] and rows(engine)["c"].attempts == 4


@pytest.mark.parametrize("errcode", [60011, 81013])
async def test_a_permanent_error_fails_the_row_and_alerts_a_supervisor(sender, fake, engine, clock, errcode):
    fake.fail_next(errcode)
    queue(engine, clock, "d", "member", "wg_li", "nobody home")
    await sender.step(clock.now())
    assert rows(engine)["d"].status == "failed" and str(errcode) in rows(engine)["d"].last_error
    await sender.step(clock.now())
    assert any("消息发送失败" in t for t in fake.to("ChenSuo"))


async def test_outside_demo_mode_a_message_with_no_channel_fails_visibly(fake, settings, engine, clock):
    """No OA and no supervisors' group robot configured: their rows go nowhere, and say so."""
    with session(engine) as db:
        resident = Resident(channel="mp", external_id="oWangAyi", created_at=clock.now())
        db.add(resident)
        db.commit()
    with session(engine) as db:
        outbox.push(db, key="done:7", audience="resident", recipient=str(resident.id), text="已办结", now=clock.now(),
                    ticket_id=7)
        outbox.to_supervisors_group(db, key="press:7", text="【督办】GW-7", now=clock.now(), ticket_id=7)
        db.commit()
    async with sender_for(keyed(settings, str(fake.server.make_url("/")), webhook="", mp=False), engine,
                          clock) as sender:
        assert await sender.step(clock.now()) == 0
        for key in ("done:7", "press:7:group"):
            row = rows(engine)[key]
            assert row.status == "failed" and row.last_error.startswith("no channel"), key
        with session(engine) as db:
            shown = [step.detail for step in timeline(db, 7) if step.kind == "push"]
        failed = [d for d in shown if d.startswith("发送失败")]
        assert len(failed) == 2 and "no channel" in failed[0] and "已送达" not in shown  # (the alerts wait to be sent)
        await sender.step(clock.now())
    assert fake.to("oWangAyi") == [] and fake.to("webhook") == []
    assert any("消息发送失败" in t and "no channel" in t for t in fake.to("ChenSuo"))  # the leaders hear of it


async def test_in_demo_mode_the_demo_page_stands_in_and_marks_what_it_delivered(fake, settings, engine, clock):
    queue(engine, clock, "t1:task:wg_li", "member", "wg_li", "【新工单】")
    async with sender_for(with_demo(settings), engine, clock) as sender:  # config.yaml's: no credentials
        assert await sender.step(clock.now()) == 1
    row = rows(engine)["t1:task:wg_li"]
    assert row.status == "sent" and row.payload == {"text": "【新工单】"} | outbox.VIA_DEMO
    assert fake.sent == []


async def test_residents_get_customer_service_messages(sender, fake, engine, clock):
    with session(engine) as db:
        resident = Resident(channel="mp", external_id="oWangAyi", created_at=clock.now())
        db.add(resident)
        db.commit()
    inbox.store(engine, TEST_PRIVACY, Incoming(channel="mp", sender="oWangAyi", msg_key="mp:1", msg_type="text",
                                               text="查询"), clock.now())  # within 48 hours of the resident's last message
    queue(engine, clock, "e", "resident", str(resident.id), "已办结")
    await sender.step(clock.now())
    assert [s.api for s in fake.sent] == ["mp"] and fake.to("oWangAyi") == ["已办结"]


async def test_a_busy_recipient_is_rate_limited(sender, fake, engine, clock, settings):
    limit = settings.wechat.send_rate_per_minute
    for i in range(limit + 5):
        queue(engine, clock, f"r{i}", "member", "wg_li", f"m{i}")
    await sender.step(clock.now())
    assert len(fake.to("LiMing")) == limit
    clock.advance("61s")
    await sender.step(clock.now())
    assert len(fake.to("LiMing")) == limit + 5


async def test_the_group_robot_gets_at_most_20_a_minute(sender, fake, engine, clock):
    for i in range(25):
        queue(engine, clock, f"w{i}", "supervisors_group", "supervisors", f"督办{i}")
    await sender.step(clock.now())
    assert len(fake.to("webhook")) == 20  # WeCom's limit for a group robot's webhook
    clock.advance("61s")
    await sender.step(clock.now())
    assert len(fake.to("webhook")) == 25


async def test_a_member_gets_at_most_the_hourly_cap_of_app_messages(sender, fake, engine, clock):
    hourly = sender.ctx.settings.model_copy(update={"wechat": sender.ctx.settings.wechat.model_copy(
        update={"send_rate_per_minute": 30, "send_rate_per_hour": 40})})
    sender.ctx = BotContext(hourly, engine, clock, None, None, privacy=TEST_PRIVACY)
    for minute in range(3):  # 30 a minute would be 90 in three minutes; the hour allows 40
        for i in range(30):
            queue(engine, clock, f"h{minute}-{i}", "member", "wg_li", f"m{minute}-{i}")
        await sender.step(clock.now())
        clock.advance("61s")
    assert len(fake.to("LiMing")) == 40
    pending = [r for r in rows(engine).values() if r.status == "pending"]
    assert len(pending) == 50 and all(r.last_error == "rate limited" for r in pending)
    clock.advance("1h")
    while await sender.step(clock.now()):
        clock.advance("61s")
    assert len(fake.to("LiMing")) == 80


def test_the_config_refuses_limits_above_wechats():
    from pydantic import ValidationError

    from core.config_wechat import WechatConfig
    for key, value in (("send_rate_per_minute", 31), ("send_rate_per_hour", 1001)):
        with pytest.raises(ValidationError, match=key):
            WechatConfig(**{key: value})


async def test_two_instances_share_one_token(sender, fake, engine, clock, settings):
    queue(engine, clock, "f", "member", "wg_li", "x")
    await sender.step(clock.now())
    async with aiohttp.ClientSession() as http:
        other = Sender(sender.ctx, Transports(sender.ctx.settings, http, TokenCache(engine, clock)))
        queue(engine, clock, "g", "member", "wg_li", "y")
        assert await other.step(clock.now()) == 1
    assert fake.token_calls == 1


async def test_a_timeout_is_retried_later(sender, fake, engine, clock):
    quick = Transports(sender.ctx.settings, sender.transports.http, sender.transports.tokens,
                       timeout=aiohttp.ClientTimeout(total=0.2))
    impatient = Sender(sender.ctx, quick, rng=random.Random(1))
    queue(engine, clock, "slow", "member", "wg_li", "slow network")
    await impatient.step(clock.now())  # fetches the token, then the send times out
    fake.fail_next(("delay", 1.0))
    queue(engine, clock, "slow2", "member", "wg_li", "slower")
    assert await impatient.step(clock.now()) == 0
    row = rows(engine)["slow2"]
    assert row.status == "pending" and "TimeoutError" in row.last_error
    clock.advance("1m")
    assert await impatient.step(clock.now()) == 1


async def test_markdown_rows_go_out_as_markdown(sender, fake, engine, clock):
    queue(engine, clock, "md", "member", "wg_li", "**本周**：办结 12 件")
    with session(engine) as db:
        row = db.exec(select(Outbox).where(Outbox.idem_key == "md")).one()
        row.msg_type = "markdown"  # written by whoever wants markdown (the weekly summary, say)
        db.add(row)
        db.commit()
    await sender.step(clock.now())
    [sent] = fake.sent
    assert sent.body["msgtype"] == "markdown" and sent.text == "**本周**：办结 12 件"


async def test_a_robot_answer_goes_back_through_its_response_url_once_then_by_app(sender, fake, engine, clock):
    with session(engine) as db:
        resident = Resident(channel="robot", external_id="wangayi", created_at=clock.now())
        db.add(resident)
        db.commit()
    base = str(fake.server.make_url("/"))
    for key, url in (("late", f"{base}cgi-bin/aibot/response?response_code=RC1"),
                     ("foreign", "https://example.invalid/cgi-bin/aibot/response?response_code=RC2")):
        with session(engine) as db:
            outbox.push(db, key=key, audience="resident", recipient=str(resident.id), text=f"已受理 {key}",
                        now=clock.now(), extra={"chat_id": "wrGroup", "response_url": url})
            db.commit()
    queue(engine, clock, "later", "resident", str(resident.id), "已由李明签收")
    await sender.step(clock.now())
    assert fake.to("robot:RC1") == ["已受理 late"]
    assert fake.to("wangayi") == ["已受理 foreign", "已由李明签收"]  # never posted to a host other than WeCom's


def _cut_off_mid_send(engine, key: str, clock) -> None:
    """What a process killed between the API call and recording its outcome leaves behind."""
    with session(engine) as db:
        row = db.exec(select(Outbox).where(Outbox.idem_key == key)).one()
        row.status, row.send_started_at, row.lease_until = "sending", clock.now(), clock.now()
        db.add(row)
        db.commit()


async def test_a_send_cut_off_midway_is_resent_once_and_flagged(sender, fake, engine, clock, caplog):
    queue(engine, clock, "t7:task:wg_li", "member", "wg_li", "【新工单】GW-7")
    _cut_off_mid_send(engine, "t7:task:wg_li", clock)
    clock.advance("1s")
    assert await sender.step(clock.now()) == 1
    row = rows(engine)["t7:task:wg_li"]
    assert (row.status, row.ambiguous, row.send_started_at) == ("sent", True, None)
    assert fake.to("LiMing") == ["【新工单】GW-7"]
    assert "may already have been delivered" in caplog.text


async def test_a_message_cut_off_twice_is_not_sent_a_third_time(sender, fake, engine, clock):
    queue(engine, clock, "t8:task:wg_li", "member", "wg_li", "【新工单】GW-8")
    _cut_off_mid_send(engine, "t8:task:wg_li", clock)
    with session(engine) as db:
        row = db.exec(select(Outbox).where(Outbox.idem_key == "t8:task:wg_li")).one()
        row.ambiguous = True  # the resend was cut off as well
        db.add(row)
        db.commit()
    clock.advance("1s")
    assert await sender.step(clock.now()) == 0
    row = rows(engine)["t8:task:wg_li"]
    assert row.status == "failed" and "可能已送达" in row.last_error
    assert fake.to("LiMing") == []


async def test_a_transient_failure_is_not_mistaken_for_a_cut_off_send(sender, fake, engine, clock):
    queue(engine, clock, "t9:task:wg_li", "member", "wg_li", "【新工单】GW-9")
    await sender.step(clock.now())  # a token first, so the injected failure hits the send
    fake.fail_next(-1)
    queue(engine, clock, "t10:task:wg_li", "member", "wg_li", "【新工单】GW-10")
    assert await sender.step(clock.now()) == 0
    clock.advance("10m")
    assert await sender.step(clock.now()) == 1
    row = rows(engine)["t10:task:wg_li"]
    assert (row.status, row.ambiguous) == ("sent", False)
