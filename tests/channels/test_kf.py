"""微信客服: a resident reports, follows and answers 回访 from ordinary WeChat; pulls are exactly once; the window holds."""
import asyncio
import re
from dataclasses import replace

from sqlmodel import select

from bot.inbound import routes as bot_routes
from bot.kf import routes as kf_routes
from bot.kf.pull import KfPuller
from models import InboxMessage, KfCursor, MediaFile, Outbox, Resident, Ticket, outbox
from models.store import session
from tests.bot import wechat
from tests.channels.conftest import JPEG, holder, tickets
from tests.channels.kf_world import SIGNAL_TOKEN, kf_event_xml
from tests.helpers import make_services
from web.app import build_app

WANG = "wmWangAyi-external"


def only_ticket(engine) -> Ticket:
    [ticket] = tickets(engine)
    return ticket


async def test_a_resident_reports_follows_and_answers_followup_through_kf(kf, engine):
    await kf.says(WANG, "锦绣花园12栋楼道里有人给电瓶车充电 线拉得到处都是")
    ticket = only_ticket(engine)
    [receipt] = kf.heard(WANG)
    assert receipt.startswith(f"已受理，编号 {ticket.number}") and ticket.grid_id == "gh-2-b"
    [first_sync] = kf.fake.kf_syncs
    assert (first_sync["cursor"], first_sync["open_kfid"], first_sync["token"]) == ("", "wkKF1", SIGNAL_TOKEN)
    [sent] = [s for s in kf.fake.sent if s.api == "kf"]
    assert sent.body["open_kfid"] == "wkKF1" and re.fullmatch(r"[0-9a-f]{32}", sent.body["msgid"])

    worker = holder(engine, ticket.id)
    kf.ctx.dispatcher.act(worker, "accept", ticket.id)
    kf.ctx.dispatcher.act(worker, "resolve", ticket.id, "已劝离，电线已拆除")
    kf.ctx.clock.advance(kf.ctx.settings.intake.followup_after)
    kf.ctx.dispatcher.tick(kf.now)
    await kf.settle()
    accepted, resolved, question = kf.heard(WANG)[1:]
    assert accepted.startswith(f"您反映的问题（编号 {ticket.number}）已由") and "签收" in accepted
    assert resolved == f"您反映的问题（编号 {ticket.number}）已办结：已劝离，电线已拆除。"
    assert question.startswith(f"请问您对编号 {ticket.number} 的处理结果满意吗")

    await kf.says(WANG, "满意")
    assert kf.heard(WANG)[-1] == f"感谢您的评价！编号 {ticket.number} 已办结归档。"
    assert kf.fake.kf_syncs[-1]["cursor"] == "1"  # the second pull starts where the first ended
    with session(engine) as db:
        assert db.get(Ticket, ticket.id).status == "closed"
        assert [m.channel for m in db.exec(select(InboxMessage)).all()] == ["kf", "kf"]


async def test_the_same_signal_twice_and_two_pullers_at_once_store_each_message_once(kf, engine):
    kf.fake.kf_page = 2
    for n in range(5):
        kf.fake.kf_says(f"wmUser{n}", int(kf.now.timestamp()), content=f"桂花苑{n + 1}栋门口垃圾堆了好几天没人清理")
    assert await kf.signal() == 200 and await kf.signal() == 200
    other = KfPuller(replace(kf.ctx, instance="second-instance"), kf.puller.api)
    stored = await asyncio.gather(kf.puller.step(kf.now), other.step(kf.now))
    assert sorted(stored) == [0, 5]
    assert [s["cursor"] for s in kf.fake.kf_syncs] == ["", "2", "4"]  # one puller, page by page
    kf.ctx.clock.advance("1s")  # the next tick
    assert await kf.puller.step(kf.now) == 0 and len(kf.fake.kf_syncs) == 3  # nothing new was announced
    with session(engine) as db:
        assert len(db.exec(select(InboxMessage).where(InboxMessage.channel == "kf")).all()) == 5
        cursor = db.get(KfCursor, "wkKF1")
    assert (cursor.cursor, cursor.lease_until) == ("5", None)


async def test_a_lost_signal_is_made_up_by_the_safety_pull_without_the_expired_token(kf, engine):
    await kf.says(WANG, "翠湖苑3栋门口的井盖没了 晚上很危险")
    kf.ctx.clock.advance("1s")
    kf.fake.kf_says(WANG, int(kf.now.timestamp()), content="查询")  # WeCom's event for this one never came
    assert await kf.puller.step(kf.now) == 0
    kf.ctx.clock.advance("11m")
    assert await kf.puller.step(kf.now) == 1
    assert "token" not in kf.fake.kf_syncs[-1]


async def test_a_failed_pull_backs_off_and_is_tried_again(kf, engine):
    kf.fake.kf_sync_errors = [45009]
    kf.fake.kf_says(WANG, int(kf.now.timestamp()), content="翠湖苑3栋门口的井盖没了 晚上很危险")
    assert await kf.signal() == 200
    assert await kf.puller.step(kf.now) == 0
    kf.ctx.clock.advance("10s")
    assert await kf.puller.step(kf.now) == 0 and len(kf.fake.kf_syncs) == 1  # backing off
    kf.ctx.clock.advance("21s")
    assert await kf.puller.step(kf.now) == 1
    with session(engine) as db:
        cursor = db.get(KfCursor, "wkKF1")
    assert (cursor.cursor, cursor.wants, cursor.served) == ("1", 1, 1)


async def test_a_notice_outside_the_48_hour_window_is_refused_and_the_residents_next_message_opens_it(kf, engine):
    await kf.says(WANG, "桂花路的路灯坏了好几天了 晚上一片漆黑")
    ticket = only_ticket(engine)
    kf.ctx.clock.advance("49h")
    kf.ctx.dispatcher.act(holder(engine, ticket.id), "accept", ticket.id)
    await kf.settle()
    assert len(kf.heard(WANG)) == 1  # only the receipt: no call was made for the notice
    with session(engine) as db:
        [notice] = db.exec(select(Outbox).where(Outbox.idem_key.like(f"t{ticket.id}:%:accepted:%"))).all()
    assert notice.status == "failed" and "超过48小时" in notice.last_error
    await kf.says(WANG, "查询")
    assert "已签收" in kf.heard(WANG)[-1]


async def test_at_most_five_messages_follow_one_of_the_residents(kf, engine, clock):
    await kf.says(WANG, "翠湖苑3栋门口的井盖没了 晚上很危险")
    with session(engine) as db:
        resident = db.exec(select(Resident).where(Resident.channel == "kf")).one()
        for n in range(6):
            outbox.push(db, key=f"extra:{n}", audience="resident", recipient=str(resident.id), text=f"通知{n}",
                        now=clock.now())
        db.commit()
    await kf.settle()
    assert kf.heard(WANG)[1:] == ["通知0", "通知1", "通知2", "通知3"]  # the receipt was the first of five
    with session(engine) as db:
        refused = db.exec(select(Outbox).where(Outbox.status == "failed", Outbox.idem_key.like("extra:%"))
                          .order_by(Outbox.id)).all()
    assert [r.idem_key for r in refused] == ["extra:4", "extra:5"] and "已发送5条" in refused[0].last_error


async def test_a_photo_and_a_location_from_kf(kf, engine):
    kf.fake.media["MEDIA1"] = JPEG
    await kf.says(WANG, "有条大狗天天追着小孩咬 太吓人了")
    assert kf.heard(WANG) == ["请问具体在哪个小区/几栋/哪个村组？"]
    await kf.says(WANG, msgtype="location", latitude=30.8460, longitude=104.1870, name="柳溪村五组", address="")
    ticket = only_ticket(engine)
    assert ticket.grid_id == "lx-2" and kf.heard(WANG)[-1].startswith(f"已受理，编号 {ticket.number}")
    await kf.says(WANG, msgtype="image", media_id="MEDIA1")
    assert kf.heard(WANG)[-1] == f"照片已收到，已附到编号 {ticket.number}。"
    [photo] = only_ticket(engine).photos
    assert photo["url"].startswith("/media/")  # kept at once: WeCom's media_id lasts 3 days
    with session(engine) as db:
        kept = db.get(MediaFile, photo["url"].removeprefix("/media/"))
    assert (kept.source, kept.content_type, kept.ticket_id) == ("kf", "image/jpeg", ticket.id)


async def test_entering_the_chat_gets_the_welcome_once(kf):
    kf.fake.kf_event({"event_type": "enter_session", "open_kfid": "wkKF1", "external_userid": WANG,
                      "scene": "poster", "welcome_code": "WELCOMECODE"}, int(kf.now.timestamp()))
    assert await kf.signal() == 200
    await kf.settle()
    [welcome] = [s for s in kf.fake.sent if s.api == "kf_welcome"]
    assert welcome.body["code"] == "WELCOMECODE" and "欢迎" in welcome.text


async def test_its_own_callback_url_and_junk_signals(kf):
    assert await kf.signal("/wechat/kf") == 404  # 微信客服's own callback is off without its own token and key
    assert await kf.signal(open_kfid="wk<script>") == 400
    assert await kf.signal(open_kfid="wkKF2") == 200  # a second account is served too
    with session(kf.ctx.engine) as db:
        assert sorted(c.open_kfid for c in db.exec(select(KfCursor)).all()) == ["wkKF2"]


async def test_its_own_callback_url_with_its_own_keys_takes_an_event_and_refuses_its_query_with_another_body(
        aiohttp_client, bot_ctx, engine):
    w = bot_ctx.settings.wechat
    kf_keys = w.kf.model_copy(update={"enabled": True, "token": wechat.WORK_TOKEN, "encoding_aes_key": wechat.WORK_AES})
    ctx = replace(bot_ctx, settings=bot_ctx.settings.model_copy(update={"wechat": w.model_copy(update={"kf": kf_keys})}))
    services = make_services(ctx.settings, ctx.engine, ctx.clock, ctx.classifier)
    client = await aiohttp_client(build_app(services, [lambda app, _s: bot_routes.setup(app, ctx),
                                                       lambda app, _s: kf_routes.setup(app, ctx)]))
    ts = int(ctx.clock.now().timestamp())
    query, body = wechat.work_encrypted(kf_event_xml(ts), ts)
    statuses = [(await client.post("/wechat/kf", params=query, data=body)).status for _ in range(2)]
    assert statuses == [200, 200]  # the second is WeCom trying again
    # the signature covers the ciphertext only: an envelope with something added is another body
    other = body.replace("<xml>", "<xml><AgentID>1</AgentID>", 1)
    assert (await client.post("/wechat/kf", params=query, data=other)).status == 403
    with session(engine) as db:
        assert db.exec(select(KfCursor)).one().wants == 2
