"""The conversation with a resident, through the real callback: where?, restarts, commands, silence."""
import xmltodict
from sqlmodel import select

from bot.conversation.asking import give_up_on_place
from models import Outbox, Ticket
from models.store import session
from tests.bot import wechat


async def say(client, clock, sender: str, content: str, msg_id: int) -> str | None:
    ts = int(clock.now().timestamp())
    query, body = wechat.mp_safe(wechat.text_xml(sender, content, msg_id, ts), ts)
    text = await (await client.post("/wechat/mp", params=query, data=body)).text()
    return None if text == "success" else xmltodict.parse(wechat.decrypt_reply(text))["xml"]["Content"]


def tickets(engine) -> list[Ticket]:
    with session(engine) as db:
        return db.exec(select(Ticket)).all()


async def test_missing_place_is_asked_once_and_the_answer_completes_the_same_report(client, clock, engine):
    assert await say(client, clock, "oWang", "有条大狗天天追着小孩咬 太吓人了", 11) == "请问具体在哪个小区/几栋/哪个村组？"
    assert tickets(engine) == []
    reply = await say(client, clock, "oWang", "锦绣花园15栋楼下", 12)
    [ticket] = tickets(engine)
    assert reply.startswith(f"已受理，编号 {ticket.number}")
    assert (ticket.category, ticket.grid_id, ticket.place) == ("stray_animal", "gh-2-b", "锦绣花园15栋楼下")


async def test_a_restart_between_the_question_and_the_answer_continues(aiohttp_client, client, clock, engine, bot_ctx):
    assert "请问具体在哪" in await say(client, clock, "oZhou", "路灯坏了好几天了 晚上黑漆漆的", 21)
    await client.close()  # the service stops...
    from tests.bot.conftest import build_client
    restarted = await build_client(aiohttp_client, bot_ctx)  # ...and starts again with the same database
    reply = await say(restarted, clock, "oZhou", "桂花苑5栋门口", 22)
    [ticket] = tickets(engine)
    assert "已受理" in reply and ticket.grid_id == "gh-1" and "路灯" in ticket.text


async def test_no_answer_in_time_routes_to_human_triage_and_tells_the_resident(client, clock, engine, bot_ctx):
    bot_ctx.dispatcher.on_deadline("ask_place", lambda d, now: give_up_on_place(bot_ctx, d, now))
    await say(client, clock, "oMa", "垃圾好几天没人收了 臭死了", 31)
    clock.advance("11m")
    assert bot_ctx.dispatcher.tick(clock.now()) >= 1
    [ticket] = tickets(engine)
    assert ticket.route == "triage"
    with session(engine) as db:
        told = db.exec(select(Outbox).where(Outbox.channel == "resident")).all()
    assert any("没有收到具体位置" in o.payload["text"] for o in told)


async def test_an_emergency_is_advised_at_once_and_pages_the_duty_officer(client, clock, engine):
    reply = await say(client, clock, "oSun", "救命 翠湖苑2栋有人拿刀砍人", 41)
    assert reply.startswith("情况紧急请立即拨打110/119/120！已受理")
    with session(engine) as db:
        pages = db.exec(select(Outbox).where(Outbox.recipient == "zb_sun")).all()
    assert any("【紧急警情】" in p.payload["text"] for p in pages)


async def test_status_cancel_and_followup_commands(client, clock, engine, bot_ctx):
    await say(client, clock, "oLiu", "桂花苑3栋楼道有人给电瓶车充电 线拉得到处都是", 51)
    [ticket] = tickets(engine)
    status = await say(client, clock, "oLiu", "查询", 52)
    assert ticket.number in status and "已派单" in status
    assert "已撤销" in await say(client, clock, "oLiu", f"取消 {ticket.number}", 53)
    await say(client, clock, "oLiu", "锦绣里2栋的路灯坏了", 54)
    second = max(tickets(engine), key=lambda t: t.id)
    worker = {"黄伟": "wg_huangwei", "徐磊": "wg_xulei"}
    progress = await say(client, clock, "oLiu", "进度", 55)
    holder = next(w for name, w in worker.items() if name in progress)
    bot_ctx.dispatcher.member_text(holder, f"接单 {second.id}")
    bot_ctx.dispatcher.member_text(holder, f"办结 {second.id} 已换新灯泡")
    reply = await say(client, clock, "oLiu", "不满意 还是不亮", 56)
    assert "重新派单" in reply
    with session(engine) as db:
        assert db.get(Ticket, second.id).status == "dispatched"


async def test_group_chit_chat_gets_no_reply_at_all(client, clock, engine):
    ts = int(clock.now().timestamp())
    query, body = wechat.mp_safe(wechat.text_xml("oGroupie", "大家早上好", 61, ts, chat_id="wrGroup1"), ts)
    assert await (await client.post("/wechat/mp", params=query, data=body)).text() == "success"


def voice_xml(sender: str, recognition: str, msg_id: int, ts: int) -> str:
    return (f"<xml><ToUserName>gh_demo</ToUserName><FromUserName>{sender}</FromUserName><CreateTime>{ts}</CreateTime>"
            f"<MsgType>voice</MsgType><MediaId>m1</MediaId><Format>amr</Format>"
            f"<Recognition><![CDATA[{recognition}]]></Recognition><MsgId>{msg_id}</MsgId></xml>")


async def post_xml(client, clock, xml: str) -> str | None:
    ts = int(clock.now().timestamp())
    query, body = wechat.mp_safe(xml, ts)
    text = await (await client.post("/wechat/mp", params=query, data=body)).text()
    return None if text == "success" else xmltodict.parse(wechat.decrypt_reply(text))["xml"]["Content"]


async def test_a_voice_message_is_read_from_its_recognition_text(client, clock, engine):
    ts = int(clock.now().timestamp())
    reply = await post_xml(client, clock, voice_xml("oVoice", "桂花苑3栋的路灯坏了好几天了", 71, ts))
    [ticket] = tickets(engine)
    assert reply.startswith(f"已受理，编号 {ticket.number}") and ticket.grid_id == "gh-1"
    unreadable = await post_xml(client, clock, voice_xml("oVoice", "", 72, ts))
    assert "没能识别成文字" in unreadable


async def test_an_unhandled_type_is_answered_success_and_leaves_the_question_open(client, clock, engine):
    assert "请问具体在哪" in await say(client, clock, "oVid", "垃圾好几天没人收了 臭死了", 81)
    ts = int(clock.now().timestamp())
    video = (f"<xml><ToUserName>gh_demo</ToUserName><FromUserName>oVid</FromUserName><CreateTime>{ts}</CreateTime>"
             f"<MsgType>shortvideo</MsgType><MediaId>v1</MediaId><MsgId>82</MsgId></xml>")
    assert await post_xml(client, clock, video) is None
    assert tickets(engine) == []  # still waiting for the place
    reply = await say(client, clock, "oVid", "桂花苑5栋", 83)
    [ticket] = tickets(engine)
    assert "已受理" in reply and ticket.grid_id == "gh-1"


async def test_the_workers_phone_is_given_one_to_one_and_masked_in_a_group(client, clock, engine):
    one_to_one = await say(client, clock, "oQian", "桂花苑3栋的路灯坏了好几天了", 91)
    assert "李明（13900002102）" in one_to_one
    ts = int(clock.now().timestamp())
    query, body = wechat.mp_safe(wechat.text_xml("oZheng", "锦绣花园12栋楼道有人给电瓶车充电", 92, ts,
                                                 chat_id="wrGroup1"), ts)
    text = await (await client.post("/wechat/mp", params=query, data=body)).text()
    in_group = xmltodict.parse(wechat.decrypt_reply(text))["xml"]["Content"]
    assert "已受理" in in_group and "139****" in in_group and "13900002" not in in_group


async def test_a_shared_location_answers_where_with_the_outline_that_holds_it(client, clock, engine):
    assert "请问具体在哪" in await say(client, clock, "oLoc", "垃圾好几天没人收了 臭死了", 101)
    ts = int(clock.now().timestamp())
    location = (f"<xml><ToUserName>gh_demo</ToUserName><FromUserName>oLoc</FromUserName><CreateTime>{ts}</CreateTime>"
                f"<MsgType>location</MsgType><Location_X>30.8262</Location_X><Location_Y>104.1643</Location_Y>"
                f"<Scale>15</Scale><Label><![CDATA[]]></Label><MsgId>102</MsgId></xml>")  # inside 锦绣花园微网格二's outline
    reply = await post_xml(client, clock, location)
    [ticket] = tickets(engine)
    assert reply.startswith(f"已受理，编号 {ticket.number}") and ticket.grid_id == "gh-2-b"


async def test_a_photo_joins_the_residents_open_report(client, clock, engine):
    await say(client, clock, "oPic", "翠湖苑2栋门口的井盖没了 很危险", 111)
    [ticket] = tickets(engine)
    ts = int(clock.now().timestamp())
    image = (f"<xml><ToUserName>gh_demo</ToUserName><FromUserName>oPic</FromUserName><CreateTime>{ts}</CreateTime>"
             f"<MsgType>image</MsgType><PicUrl><![CDATA[https://mmbiz.example/p1.jpg]]></PicUrl>"
             f"<MediaId>m9</MediaId><MsgId>112</MsgId></xml>")
    assert await post_xml(client, clock, image) == f"照片已收到，已附到编号 {ticket.number}。"
    with session(engine) as db:
        assert [p["url"] for p in db.get(Ticket, ticket.id).photos] == ["https://mmbiz.example/p1.jpg"]


async def test_it_gives_a_resident_the_help_line_once_per_cooldown(client, clock, bot_ctx):
    from bot.conversation import texts
    assert await say(client, clock, "oChatty", "大家早上好", 71) == texts.HELP
    assert await say(client, clock, "oChatty", "谢谢网格员", 72) is None  # within the hour: nothing
    clock.advance(bot_ctx.settings.intake.help_cooldown)
    assert await say(client, clock, "oChatty", "大家早上好", 73) == texts.HELP  # a full hour on: again
    assert await say(client, clock, "oOther", "谢谢网格员", 74) == texts.HELP  # each resident has their own
