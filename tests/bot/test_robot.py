"""The WeCom intelligent robot: @-mentions in a resident group, JSON callbacks, encrypted stream replies."""
import json

from sqlmodel import select

from bot.inbound.guard import SignedQuery
from bot.inbound.handle import sweep
from bot.inbound.inbox import store
from bot.inbound.robot import RobotKeys, parse_message
from models import InboxMessage, Outbox, Ticket, TicketReporter
from models.store import session
from tests.bot import wechat
from tests.fakes.wechat_server import fake  # noqa: F401 - fixture

KEYS = RobotKeys(wechat.TOKEN, wechat.MP_AES)


def robot_callback(clock, msg_id: str, content: str, chattype: str = "group", message: dict | None = None):
    plain = {"msgid": msg_id, "aibotid": "AIBOTID", "chatid": "wrGroupGuihua", "chattype": chattype,
             "from": {"userid": "wangayi"}, "response_url": "https://example.invalid/r", "msgtype": "text",
             "text": {"content": content}} | (message or {})
    ts, nonce = str(int(clock.now().timestamp())), "9911"
    sealed = json.loads(KEYS.seal(json.dumps(plain, ensure_ascii=False), nonce, ts))
    query = {"msg_signature": sealed["msgsignature"], "timestamp": ts, "nonce": nonce}
    return query, json.dumps({"encrypt": sealed["encrypt"]})


def open_reply(clock, text: str) -> dict:
    body = json.loads(text)
    signed = SignedQuery(str(body["timestamp"]), body["nonce"], body["msgsignature"])
    return json.loads(KEYS.open(signed, body["encrypt"]))


async def test_an_at_mention_in_a_group_becomes_a_report_with_a_stream_reply(client, clock, engine):
    query, body = robot_callback(clock, "CAIQ16HM1", "@网格哨 锦绣花园12栋楼道有人给电瓶车充电")
    response = await client.post("/wechat/robot", params=query, data=body)
    reply = open_reply(clock, await response.text())
    with session(engine) as db:
        ticket = db.exec(select(Ticket)).one()
        reporter = db.exec(select(TicketReporter)).one()
    assert reply["msgtype"] == "stream" and reply["stream"]["finish"] is True
    assert reply["stream"]["content"].startswith(f"已受理，编号 {ticket.number}")
    assert reporter.chat_id == "wrGroupGuihua" and ticket.grid_id == "gh-2-b"


async def test_group_chatter_to_the_robot_gets_an_empty_answer_and_retries_store_once(client, clock, engine):
    for _ in range(3):
        query, body = robot_callback(clock, "CAIQ16HM2", "@网格哨 大家早上好")
        response = await client.post("/wechat/robot", params=query, data=body)
        assert response.status == 200 and await response.text() == ""
    with session(engine) as db:
        assert len(db.exec(select(InboxMessage)).all()) == 1


async def test_robot_url_verification_and_bad_signatures(client, clock):
    ts, nonce = str(int(clock.now().timestamp())), "1"
    echo = json.loads(KEYS.seal("echo-1234", nonce, ts))
    ok = await client.get("/wechat/robot", params={"msg_signature": echo["msgsignature"], "timestamp": ts,
                                                   "nonce": nonce, "echostr": echo["encrypt"]})
    assert await ok.text() == "echo-1234"
    query, body = robot_callback(clock, "CAIQ16HM3", "有人打架")
    bad = await client.post("/wechat/robot", params={**query, "msg_signature": "0" * 40}, data=body)
    assert bad.status == 403
    assert (await client.post("/wechat/robot", params=query, data="{not json")).status == 400


async def test_text_parts_of_a_mixed_message_are_read(client, clock, engine):
    mixed = {"msgtype": "mixed", "mixed": {"msg_item": [
        {"msgtype": "text", "text": {"content": "@网格哨 桂花苑3栋路灯坏了"}},
        {"msgtype": "image", "image": {"url": "https://example.invalid/img"}},
        {"msgtype": "text", "text": {"content": "好几天了 晚上很黑"}}]}}
    query, body = robot_callback(clock, "CAIQ16HM4", "", message=mixed)
    reply = open_reply(clock, await (await client.post("/wechat/robot", params=query, data=body)).text())
    with session(engine) as db:
        ticket = db.exec(select(Ticket)).one()
    assert reply["stream"]["content"].startswith(f"已受理，编号 {ticket.number}") and "路灯" in ticket.text


def test_an_answer_too_late_for_the_callback_keeps_the_response_url(bot_ctx, engine, clock):
    data = {"msgid": "CAIQ16HM5", "chatid": "wrGroupGuihua", "chattype": "group", "from": {"userid": "wangayi"},
            "response_url": "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC9",
            "msgtype": "text", "text": {"content": "@网格哨 桂花苑3栋路灯坏了好几天了"}}
    message = parse_message(json.dumps(data, ensure_ascii=False))
    store(engine, bot_ctx.privacy, message, clock.now())  # stored under load, not answered
    assert sweep(bot_ctx, clock.now()) == 1
    with session(engine) as db:
        queued = db.exec(select(Outbox).where(Outbox.idem_key == "reply:robot:wangayi:CAIQ16HM5")).one()
    assert queued.payload["response_url"].endswith("response_code=RC9") and queued.payload["chat_id"] == "wrGroupGuihua"


def stream_refresh(clock, sid: str, msgid: str = "CAIQrefresh1"):
    """WeCom's 流式消息刷新 callback (the published sample's shape) for our stream `sid`."""
    from tests.bot.published import sample
    data = json.loads(sample("robot_stream_refresh.jsonc"))
    data["stream"]["id"], data["msgid"] = sid, msgid
    ts, nonce = str(int(clock.now().timestamp())), "7733"
    sealed = json.loads(KEYS.seal(json.dumps(data), nonce, ts))
    return {"msg_signature": sealed["msgsignature"], "timestamp": ts, "nonce": nonce}, json.dumps(
        {"encrypt": sealed["encrypt"]})


async def refresh(client, clock, sid: str) -> dict:
    query, body = stream_refresh(clock, sid)
    response = await client.post("/wechat/robot", params=query, data=body)
    assert response.status == 200
    return open_reply(clock, await response.text())["stream"]


def late_reply(engine, msgid: str) -> Outbox | None:
    with session(engine) as db:
        return db.exec(select(Outbox).where(Outbox.idem_key.like(f"reply:robot:%:{msgid}"))).first()  # sender:msgid


async def test_an_answer_left_to_the_worker_opens_a_stream_that_a_refresh_completes(client, bot_ctx, clock, engine,
                                                                                   monkeypatch):
    from bot.inbound import receive
    monkeypatch.setattr(bot_ctx.workers, "in_flight", receive.BACKLOG)  # stored, answered at once, processed later
    query, body = robot_callback(clock, "CAIQ16HM7", "@网格哨 锦绣花园12栋楼道有人给电瓶车充电")
    response = await client.post("/wechat/robot", params=query, data=body)
    body = json.loads(await response.text())
    opened = open_reply(clock, await response.text())["stream"]
    assert isinstance(body["timestamp"], str)  # as WeCom's demo writes it
    assert (opened["finish"], opened["content"]) == (False, "收到，正在处理，请稍候……")
    assert await refresh(client, clock, opened["id"]) == opened  # not ready yet: the same, unfinished
    monkeypatch.setattr(bot_ctx.workers, "in_flight", 0)
    assert sweep(bot_ctx, clock.now()) == 1  # the inbox worker answers; the stream gets first go
    queued = late_reply(engine, "CAIQ16HM7")
    assert queued.status == "pending" and queued.next_attempt_at is not None
    done = await refresh(client, clock, opened["id"])
    with session(engine) as db:
        ticket = db.exec(select(Ticket)).one()
    assert done["finish"] is True and done["content"].startswith(f"已受理，编号 {ticket.number}")
    carried = late_reply(engine, "CAIQ16HM7")
    assert (carried.status, carried.delivered_as) == ("sent", "stream")  # not again through the response_url


async def test_an_answer_past_the_budget_is_carried_by_the_stream(client, bot_ctx, clock, engine, monkeypatch):
    import asyncio
    import time

    from bot.inbound import handle, receive
    slow, real = 0.6, handle.process
    monkeypatch.setattr(receive, "REPLY_BUDGET_S", 0.0)  # the callback waits its least, 0.1 s

    def slow_process(ctx, msg, inbox_id, **how):
        time.sleep(slow)
        return real(ctx, msg, inbox_id, **how)
    monkeypatch.setattr(handle, "process", slow_process)
    query, body = robot_callback(clock, "CAIQ16HM8", "@网格哨 桂花苑3栋路灯坏了好几天了")
    opened = open_reply(clock, await (await client.post("/wechat/robot", params=query, data=body)).text())["stream"]
    assert opened["finish"] is False
    for _ in range(300):  # wait for processing to finish and queue its answer (generously)
        if late_reply(engine, "CAIQ16HM8") is not None:
            break
        await asyncio.sleep(0.05)
    done = await refresh(client, clock, opened["id"])
    assert done["finish"] is True and done["content"].startswith("已受理")
    assert late_reply(engine, "CAIQ16HM8").delivered_as == "stream"


async def test_without_refreshes_the_answer_goes_through_the_response_url_after_the_stream_window(
        client, bot_ctx, clock, engine, monkeypatch, fake):
    import aiohttp

    from bot.inbound import receive
    from bot.outbound.sender import Sender
    from bot.outbound.tokens import TokenCache
    from bot.outbound.transports import Transports
    base = str(fake.server.make_url("/"))
    monkeypatch.setattr(bot_ctx.workers, "in_flight", receive.BACKLOG)
    query, body = robot_callback(clock, "CAIQ16HM9", "@网格哨 桂花苑3栋路灯坏了好几天了",
                                 message={"response_url": f"{base}cgi-bin/aibot/response?response_code=RC9"})
    await client.post("/wechat/robot", params=query, data=body)
    monkeypatch.setattr(bot_ctx.workers, "in_flight", 0)
    sweep(bot_ctx, clock.now())
    w = bot_ctx.settings.wechat
    settings = bot_ctx.settings.model_copy(update={"wechat": w.model_copy(update={
        "work": w.work.model_copy(update={"api_base_url": base})})})
    async with aiohttp.ClientSession() as http:
        sender = Sender(bot_ctx, Transports(settings, http, TokenCache(engine, clock)))
        await sender.step(clock.now())  # the workers' cards (to the demo page here); the answer is held
        assert fake.to("robot:RC9") == [] and late_reply(engine, "CAIQ16HM9").status == "pending"
        clock.advance("6m1s")  # WeCom has stopped refreshing by now
        assert await sender.step(clock.now()) == 1
    assert [t[:3] for t in fake.to("robot:RC9")] == ["已受理"]


async def test_a_refresh_for_a_stream_that_is_not_ours_ends_it(client, clock, engine):
    for sid in ("STREAMID", "00ff", "6e6f7420612073746f726564206d657373616765"):
        assert await refresh(client, clock, sid) == {"id": sid, "finish": True, "content": ""}
    with session(engine) as db:
        assert db.exec(select(InboxMessage)).all() == []  # a refresh is not a message
