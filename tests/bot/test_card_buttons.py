"""The task card's buttons over the WeCom callback: the tap is answered by changing the tapped card
(update_button), what happened goes to the worker as a message; 办结 closes nothing by itself."""
import xmltodict
from sqlmodel import select

from models import Outbox, Ticket
from models.store import session
from tests.bot import wechat
from tests.bot.test_conversation import say, tickets


async def tap(client, clock, who: str, key: str, task_id: str = "", code: str = "") -> dict | None:
    """A signed, encrypted template_card_event as WeCom posts it; the decrypted reply, None for "success"."""
    ts = int(clock.now().timestamp())
    click = (f"<xml><ToUserName>{wechat.CORP_ID}</ToUserName><FromUserName>{who}</FromUserName>"
             f"<CreateTime>{ts}</CreateTime><MsgType>event</MsgType><Event>template_card_event</Event>"
             f"<EventKey>{key}</EventKey><TaskId>{task_id or f't{key}{ts}'}</TaskId><CardType>button_interaction"
             f"</CardType><ResponseCode>{code or f'RC{ts}'}</ResponseCode><AgentID>1000002</AgentID></xml>")
    query, body = wechat.work_encrypted(click, ts)
    answer = await (await client.post("/wechat/work", params=query, data=body)).text()
    return None if answer == "success" else xmltodict.parse(wechat.decrypt_reply(answer, work=True))["xml"]


def told(engine, member: str) -> list[str]:
    """What went to the member through the outbox, oldest first."""
    with session(engine) as db:
        return [p["text"] for p in db.exec(select(Outbox.payload).where(Outbox.recipient == member)
                                           .order_by(Outbox.id)).all()]


def task_id(engine, ticket_id: int, member: str) -> str:
    with session(engine) as db:
        return db.exec(select(Outbox.task_id).where(Outbox.ticket_id == ticket_id, Outbox.recipient == member,
                                                    Outbox.msg_type == "template_card")).one()


async def test_the_accept_button_turns_into_the_documented_update_button_reply(client, clock, engine):
    await say(client, clock, "oWangAyi", "桂花苑3栋楼道里有人给电瓶车充电 线拉得到处都是", 7011)
    [ticket] = tickets(engine)
    clock.advance("1m")
    reply = await tap(client, clock, "LiMing", f"accept:{ticket.id}", task_id(engine, ticket.id, "wg_li"))
    assert reply["MsgType"] == "update_button" and reply["Button"] == {"ReplaceName": "已接单"}
    assert (reply["ToUserName"], reply["FromUserName"]) == ("LiMing", wechat.CORP_ID)
    assert "Content" not in reply
    assert any(t.startswith(f"已签收 {ticket.number}") for t in told(engine, "wg_li"))  # the outcome, as a message


async def test_the_resolve_button_asks_for_the_handling_instead_of_closing(client, clock, engine):
    await say(client, clock, "oWangAyi", "桂花苑3栋楼道里有人给电瓶车充电 线拉得到处都是", 7001)
    [ticket] = tickets(engine)
    clock.advance("1m")
    assert await tap(client, clock, "LiMing", f"resolve:{ticket.id}") is None  # refused: the card stays as it is
    assert any("尚未签收，不能办结" in t for t in told(engine, "wg_li"))
    clock.advance("1m")
    assert (await tap(client, clock, "LiMing", f"accept:{ticket.id}"))["Button"]["ReplaceName"] == "已接单"
    clock.advance("1m")
    assert await tap(client, clock, "LiMing", f"resolve:{ticket.id}") is None
    assert any(f"请写明处理情况再办结：回复“办结 {ticket.id} 已劝离，双方和解”" in t for t in told(engine, "wg_li"))
    with session(engine) as db:
        assert db.get(Ticket, ticket.id).status == "accepted"
        said = db.exec(select(Outbox.payload).where(Outbox.channel == "resident")).all()
    assert not [p for p in said if "已办结" in p["text"]]


async def test_a_retried_tap_gets_the_same_card_reply_and_acts_once(client, clock, engine):
    await say(client, clock, "oWangAyi", "桂花苑3栋楼道里有人给电瓶车充电 线拉得到处都是", 7021)
    [ticket] = tickets(engine)
    task = task_id(engine, ticket.id, "wg_li")
    first = await tap(client, clock, "LiMing", f"accept:{ticket.id}", task, "RC1")
    again = await tap(client, clock, "LiMing", f"accept:{ticket.id}", task, "RC1")  # WeCom retries the same event
    assert first == again and again["Button"]["ReplaceName"] == "已接单"
    assert len([t for t in told(engine, "wg_li") if t.startswith("已签收")]) == 1
