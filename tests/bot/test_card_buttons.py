"""The task card's buttons over the WeCom callback: 办结 closes nothing by itself, it asks for the handling."""
import xmltodict
from sqlmodel import select

from models import Outbox, Ticket
from models.store import session
from tests.bot import wechat
from tests.bot.test_conversation import say, tickets


async def tap(client, clock, who: str, key: str) -> str:
    ts = int(clock.now().timestamp())
    click = (f"<xml><ToUserName>{wechat.CORP_ID}</ToUserName><FromUserName>{who}</FromUserName>"
             f"<CreateTime>{ts}</CreateTime><MsgType>event</MsgType><Event>template_card_event</Event>"
             f"<EventKey>{key}</EventKey><TaskId>t{key}{ts}</TaskId><AgentID>1000002</AgentID></xml>")
    query, body = wechat.work_encrypted(click, ts)
    answer = await (await client.post("/wechat/work", params=query, data=body)).text()
    return xmltodict.parse(wechat.decrypt_reply(answer, work=True))["xml"]["Content"]


async def test_the_resolve_button_asks_for_the_handling_instead_of_closing(client, clock, engine):
    await say(client, clock, "oWangAyi", "桂花苑3栋楼道里有人给电瓶车充电 线拉得到处都是", 7001)
    [ticket] = tickets(engine)
    clock.advance("1m")
    assert "尚未签收，不能办结" in await tap(client, clock, "LiMing", f"resolve:{ticket.id}")
    clock.advance("1m")
    assert "已签收" in await tap(client, clock, "LiMing", f"accept:{ticket.id}")
    clock.advance("1m")
    asked = await tap(client, clock, "LiMing", f"resolve:{ticket.id}")
    assert f"请写明处理情况再办结：回复“办结 {ticket.id} 已劝离，双方和解”" in asked
    with session(engine) as db:
        assert db.get(Ticket, ticket.id).status == "accepted"
        told = db.exec(select(Outbox.payload).where(Outbox.channel == "resident")).all()
    assert not [p for p in told if "已办结" in p["text"]]
