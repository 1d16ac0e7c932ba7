"""The whole story over real sockets: signed XML in, cards on the fake WeCom server, the ladder, 回访."""
import aiohttp
import pytest
import xmltodict

from bot.outbound.sender import Sender
from bot.outbound.tokens import TokenCache
from bot.outbound.transports import Transports
from tests.bot import wechat
from tests.bot.test_conversation import say
from tests.fakes.wechat_server import FakeWeChat


@pytest.fixture
async def phones(aiohttp_server, bot_ctx):
    """The fake WeCom/OA server, and a sender pointed at it (credentials set, as in production)."""
    fake = FakeWeChat()
    server = await aiohttp_server(fake.app())
    base = str(server.make_url("/"))
    w = bot_ctx.settings.wechat
    settings = bot_ctx.settings.model_copy(update={"wechat": w.model_copy(update={
        "work": w.work.model_copy(update={"secret": "s", "agent_id": 1000002, "api_base_url": base}),
        "mp": w.mp.model_copy(update={"app_secret": "s", "api_base_url": base})})})
    async with aiohttp.ClientSession() as http:
        fake.sender = Sender(bot_ctx, Transports(settings, http, TokenCache(bot_ctx.engine, bot_ctx.clock)))
        yield fake


async def deliver(phones, clock):
    while await phones.sender.step(clock.now()):
        pass


async def test_report_task_card_ladder_acceptance_resolution_and_followup(client, clock, bot_ctx, phones):
    reply = await say(client, clock, "oWangAyi", "桂花苑3栋楼道里有人给电瓶车充电 线拉得到处都是 电线都发烫了 今天必须处理",
                      9001)  # urgent: the 15-minute acceptance rung
    number = reply.split("编号 ")[1].split("，")[0]
    ticket_id = int(number.rsplit("-", 1)[1])
    await deliver(phones, clock)
    [card] = [s for s in phones.sent if s.to == "LiMing"]
    assert card.body["msgtype"] == "template_card" and number in card.text
    assert card.body["template_card"]["button_list"][0]["key"] == f"accept:{ticket_id}"

    clock.advance("15m")
    bot_ctx.dispatcher.tick(clock.now())
    await deliver(phones, clock)
    assert any("【超时提醒】" in t and number in t for t in phones.to("ZhangQ"))  # 网格长张强

    ts = int(clock.now().timestamp())
    click = (f"<xml><ToUserName>{wechat.CORP_ID}</ToUserName><FromUserName>LiMing</FromUserName>"
             f"<CreateTime>{ts}</CreateTime><MsgType>event</MsgType><Event>template_card_event</Event>"
             f"<EventKey>accept:{ticket_id}</EventKey><TaskId>t{ticket_id}</TaskId><AgentID>1000002</AgentID></xml>")
    query, body = wechat.work_encrypted(click, ts)
    answer = await (await client.post("/wechat/work", params=query, data=body)).text()
    assert xmltodict.parse(wechat.decrypt_reply(answer, work=True))["xml"]["Button"]["ReplaceName"] == "已接单"

    query, body = wechat.work_encrypted(wechat.text_xml("LiMing", f"办结 {ticket_id} 已劝离 电瓶车已移走", 9002, ts,
                                                        to=wechat.CORP_ID), ts)
    await client.post("/wechat/work", params=query, data=body)
    clock.advance("1h")
    bot_ctx.dispatcher.tick(clock.now())
    await deliver(phones, clock)
    assert any(t.startswith("已签收") for t in phones.to("LiMing"))  # what the tap did, as a message
    heard = phones.to("oWangAyi")
    assert any("已由李明签收" in t for t in heard) and any("已办结：已劝离 电瓶车已移走" in t for t in heard)
    assert any("满意吗" in t for t in heard)
    assert "已办结归档" in await say(client, clock, "oWangAyi", "满意", 9003)
