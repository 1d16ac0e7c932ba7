"""The WeCom intelligent robot: @-mentions in a resident group, JSON callbacks, encrypted stream replies."""
import json

from sqlmodel import select

from bot.robot import RobotKeys
from models import InboxMessage, Ticket, TicketReporter
from models.store import session
from tests.bot import wechat

KEYS = RobotKeys(wechat.TOKEN, wechat.MP_AES)


def robot_callback(clock, msg_id: str, content: str, chattype: str = "group"):
    plain = {"msgid": msg_id, "aibotid": "AIBOTID", "chatid": "wrGroupGuihua", "chattype": chattype,
             "from": {"userid": "wangayi"}, "response_url": "https://example.invalid/r", "msgtype": "text",
             "text": {"content": content}}
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
