"""Each sample WeChat and WeCom publish, signed and posted to our real routes: answered, stored and processed.

The samples are kept verbatim in tests/bot/samples/ (the document's URL on each file's first line). The
clock is set to the sample's own CreateTime so that it passes as fresh; only the button-click test makes
the sender, the button and the time its own, keeping the rest of WeCom's sample (SelectedItems included).
"""
import json
from datetime import datetime, timezone

import pytest
import xmltodict
from sqlmodel import select

from models import InboxMessage
from models.store import session
from tests.bot import wechat
from tests.bot.published import create_time, sample, with_values
from tests.bot.test_conversation import say, tickets
from tests.bot.test_robot import KEYS, open_reply

XML_SAMPLES = [  # (file, route, stored type, stored text, what the resident is told)
    ("oa_text.xml", "mp", "text", "this is a test", "回复“查询”看办理进度"),
    ("oa_image.xml", "mp", "image", "", "回复“查询”看办理进度"),
    # 腾讯微信团队 is no report but sits near the 疑似 band's edge, so a retrained model may ask instead of
    # helping; what this sample checks is that triage reads the Recognition text and answers in the callback
    ("oa_voice_recognition.xml", "mp", "voice", "腾讯微信团队", ("回复“查询”看办理进度", "需要帮您登记吗")),
    ("oa_voice.xml", "mp", "voice", "", "语音"),
    ("oa_location.xml", "mp", "location", "位置信息", "已收到您的位置"),
    ("oa_subscribe.xml", "mp", "event", "", "欢迎关注网格哨"),
    ("oa_location_event.xml", "mp", "event", "", None),
    ("wecom_text.xml", "work", "text", "this is a test", "回复“查询”看办理进度"),
    ("wecom_location_event.xml", "work", "event", "", None),
    ("wecom_template_card_event.xml", "work", "event", "", None),
]


async def post_xml(client, route: str, xml: str, ts: int) -> tuple[int, str | None]:
    """Signed and encrypted as WeChat sends it (the Official Account in safe mode); the reply's text, if any."""
    query, body = (wechat.mp_safe if route == "mp" else wechat.work_encrypted)(xml, ts)
    response = await client.post(f"/wechat/{route}", params=query, data=body)
    text = await response.text()
    if response.status != 200 or text == "success":
        return response.status, None
    return response.status, xmltodict.parse(wechat.decrypt_reply(text, work=route == "work"))["xml"]["Content"]


@pytest.mark.parametrize("name, route, msg_type, content, told", XML_SAMPLES, ids=[s[0] for s in XML_SAMPLES])
async def test_each_published_xml_sample_is_answered_stored_and_processed(client, clock, engine, name, route,
                                                                           msg_type, content, told):
    xml = sample(name)
    clock.set(datetime.fromtimestamp(create_time(xml), timezone.utc))
    status, reply = await post_xml(client, route, xml, create_time(xml))
    assert status == 200
    with session(engine) as db:
        row = db.exec(select(InboxMessage)).one()
    assert (row.channel, row.msg_type, row.content, row.status) == (route, msg_type, content, "done")
    if told is None:
        assert reply is None
    else:
        assert reply is not None and any(answer in reply for answer in ((told,) if isinstance(told, str) else told))


async def test_wecoms_card_click_sample_with_selected_items_accepts_the_ticket(client, clock, engine):
    await say(client, clock, "oWangAyi", "桂花苑3栋楼道里有人给电瓶车充电 线拉得到处都是", 7001)
    [ticket] = tickets(engine)
    clock.advance("1m")
    ts = int(clock.now().timestamp())
    click = with_values(sample("wecom_template_card_event.xml"), FromUserName="LiMing", CreateTime=str(ts),
                        EventKey=f"accept:{ticket.id}", TaskId=f"t{ticket.id}x{ts}", CardType="button_interaction")
    assert "<SelectedItems>" in click
    query, body = wechat.work_encrypted(click, ts)
    response = await client.post("/wechat/work", params=query, data=body)
    reply = xmltodict.parse(wechat.decrypt_reply(await response.text(), work=True))["xml"]
    assert response.status == 200 and (reply["MsgType"], reply["Button"]["ReplaceName"]) == ("update_button", "已接单")
    assert tickets(engine)[0].status == "accepted"
    again = await client.post("/wechat/work", params=query, data=body)  # WeCom's retry: the same answer, once
    assert again.status == 200 and xmltodict.parse(wechat.decrypt_reply(await again.text(), work=True))["xml"] == reply
    assert tickets(engine)[0].status == "accepted"


ROBOT_SAMPLES = [  # (file, stored type, stored text, the stream's answer: None for an empty answer)
    ("robot_text.jsonc", "text", "hello robot", None),
    ("robot_mixed.jsonc", "text", "这是今日的测试情况", None),
    ("robot_image.jsonc", "image", "", "回复“查询”看办理进度"),
    ("robot_voice.jsonc", "voice", "这是语音转成文本的内容", "回复“查询”看办理进度"),
]


def robot_post(clock, plaintext: str) -> tuple[dict, str]:
    ts, nonce = str(int(clock.now().timestamp())), "9911"
    sealed = json.loads(KEYS.seal(plaintext, nonce, ts))
    return {"msg_signature": sealed["msgsignature"], "timestamp": ts, "nonce": nonce}, json.dumps(
        {"encrypt": sealed["encrypt"]})


@pytest.mark.parametrize("name, msg_type, content, told", ROBOT_SAMPLES, ids=[s[0] for s in ROBOT_SAMPLES])
async def test_each_published_robot_sample_is_answered_stored_and_processed(client, clock, engine, name, msg_type,
                                                                             content, told):
    query, body = robot_post(clock, sample(name))
    response = await client.post("/wechat/robot", params=query, data=body)
    assert response.status == 200
    with session(engine) as db:
        row = db.exec(select(InboxMessage)).one()
    # the leading "@RobotA " / "@机器人 " of WeCom's own samples is gone before anything reads the text
    assert (row.channel, row.msg_type, row.content, row.status) == ("robot", msg_type, content, "done")
    text = await response.text()
    if told is None:
        assert text == ""
    else:
        reply = open_reply(clock, text)
        assert reply["stream"]["finish"] is True and told in reply["stream"]["content"]


async def test_with_the_mention_of_wecoms_sample_stripped_a_command_still_matches(client, clock, engine):
    def robot_says(content: str, msgid: str) -> tuple[dict, str]:
        data = json.loads(sample("robot_text.jsonc"))
        data["text"]["content"], data["msgid"] = data["text"]["content"].replace("hello robot", content), msgid
        return robot_post(clock, json.dumps(data, ensure_ascii=False))

    query, body = robot_says("桂花苑3栋楼道里有人给电瓶车充电 线拉得到处都是", "CAIQ1")
    receipt = open_reply(clock, await (await client.post("/wechat/robot", params=query, data=body)).text())
    [ticket] = tickets(engine)
    assert receipt["stream"]["content"].startswith(f"已受理，编号 {ticket.number}")
    query, body = robot_says("查询", "CAIQ2")  # arrives as "@RobotA 查询"
    status = open_reply(clock, await (await client.post("/wechat/robot", params=query, data=body)).text())
    assert status["stream"]["content"].startswith("您的事项：") and ticket.number in status["stream"]["content"]
