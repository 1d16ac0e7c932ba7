"""The WeCom intelligent robot: @-mentions in a resident group, JSON callbacks, encrypted stream replies."""
import json

from sqlmodel import select

from bot.inbound.handle import sweep
from bot.inbound.inbox import store
from bot.inbound.robot import RobotKeys, parse_message
from models import InboxMessage, Outbox, Ticket, TicketReporter
from models.store import session
from tests.bot import wechat

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
    return json.loads(KEYS.open(body["msgsignature"], str(body["timestamp"]), body["nonce"], body["encrypt"]))


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
        queued = db.exec(select(Outbox).where(Outbox.idem_key == "reply:robot:CAIQ16HM5")).one()
    assert queued.payload["response_url"].endswith("response_code=RC9") and queued.payload["chat_id"] == "wrGroupGuihua"
