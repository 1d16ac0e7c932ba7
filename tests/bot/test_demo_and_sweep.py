"""The demo channel uses the same inbox/outbox; messages stored but never processed are swept."""
from sqlmodel import select

from bot.inbound.handle import sweep
from bot.inbound.inbox import store
from bot.inbound.incoming import Incoming
from demo import channel as demo
from models import InboxMessage, Outbox, Ticket
from models.store import session
from tests.helpers import make_services
from web.app import build_app


async def test_the_demo_group_reports_and_workers_act_from_their_phones(aiohttp_client, bot_ctx, engine):
    services = make_services(bot_ctx.settings, engine, bot_ctx.clock, bot_ctx.classifier)
    client = await aiohttp_client(build_app(services, [lambda app, _s: demo.setup(app, bot_ctx)]))
    assert (await client.get("/demo")).status == 200
    said = await (await client.post("/demo/api/say", json={"resident": "王阿姨", "text": "桂花苑3栋路灯坏了好几天了"})).json()
    assert said["reply"].startswith("已受理")
    chit = await (await client.post("/demo/api/say", json={"resident": "刘大爷", "text": "大家早上好"})).json()
    assert chit["reply"] is None  # silence in the group
    feed = await (await client.get("/demo/api/feed")).json()
    [task] = [n for member, notes in feed["phones"].items() for n in notes if n["card"]]
    holder = next(member for member, notes in feed["phones"].items() if task in notes)
    clicked = await (await client.post("/demo/api/staff", json={"member": holder,
                                                                "button": task["card"]["buttons"][0]["key"]})).json()
    assert "已签收" in clicked["reply"]
    with session(engine) as db:
        assert db.exec(select(Ticket)).one().status == "accepted"
    bad = await client.post("/demo/api/say", data="not json")
    assert bad.status == 400


def test_a_message_stored_before_a_crash_is_processed_by_the_sweep(bot_ctx, engine, clock):
    incoming = Incoming(channel="mp", sender="oCrash", msg_key="mp:777", msg_type="text", text="桂花苑3栋路灯坏了好几天了")
    row, created = store(engine, bot_ctx.privacy, incoming, clock.now(), claimer="gw-1")  # ...and gw-1 dies before answering
    assert created
    assert sweep(bot_ctx, clock.now()) == 0  # gw-1 holds it: it may still answer
    clock.advance("31s")
    assert sweep(bot_ctx, clock.now()) == 1
    with session(engine) as db:
        stored = db.get(InboxMessage, row.id)
        queued = db.exec(select(Outbox).where(Outbox.idem_key == "reply:mp:777")).one()
    assert stored.status == "done" and stored.ticket_id is not None
    assert queued.payload["text"].startswith("已受理")
    assert sweep(bot_ctx, clock.now()) == 0


def test_a_message_stored_unclaimed_under_load_is_answered_by_the_worker_at_once(bot_ctx, engine, clock):
    incoming = Incoming(channel="mp", sender="oBusy", msg_key="mp:778", msg_type="text", text="桂花苑3栋路灯坏了好几天了")
    store(engine, bot_ctx.privacy, incoming, clock.now())  # the callback answered "success" without processing
    assert sweep(bot_ctx, clock.now()) == 1
    with session(engine) as db:
        queued = db.exec(select(Outbox).where(Outbox.idem_key == "reply:mp:778")).one()
    assert queued.payload["text"].startswith("已受理")


async def test_under_a_backlog_the_callback_stores_answers_success_and_the_worker_replies(client, bot_ctx, engine,
                                                                                          clock, monkeypatch):
    from bot.inbound import receive
    from tests.bot import wechat
    monkeypatch.setattr(bot_ctx.workers, "in_flight", receive.BACKLOG)  # as if four messages were being processed
    ts = int(clock.now().timestamp())
    query, body = wechat.mp_safe(wechat.text_xml("oRush", "桂花苑3栋路灯坏了好几天了", 8801, ts), ts)
    response = await client.post("/wechat/mp", params=query, data=body)
    assert await response.text() == "success"
    with session(engine) as db:
        assert db.exec(select(InboxMessage)).one().status == "new"
        assert db.exec(select(Ticket)).all() == []
    assert sweep(bot_ctx, clock.now()) == 1
    with session(engine) as db:
        assert db.exec(select(Outbox).where(Outbox.idem_key == "reply:mp:oRush:8801")).one().payload["text"].startswith("已受理")
