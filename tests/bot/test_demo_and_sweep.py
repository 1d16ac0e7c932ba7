"""The demo channel uses the same inbox/outbox and shows only its own rows; messages stored but never
processed are swept."""
import json
import re
from dataclasses import replace

import pytest
from sqlalchemy import update
from sqlmodel import select

import run
from bot.inbound.handle import sweep
from bot.inbound.inbox import store
from bot.inbound.incoming import Incoming
from demo import channel as demo
from demo import feed
from models import InboxMessage, Outbox, Resident, Ticket, outbox
from models.store import session
from tests.helpers import make_services, with_demo
from web.app import build_app


@pytest.fixture
def demo_ctx(bot_ctx, settings):
    """The bot in demo mode over the demo community (config.yaml's, without WeChat credentials)."""
    return replace(bot_ctx, settings=with_demo(settings))


async def demo_client(aiohttp_client, ctx):
    services = make_services(ctx.settings, ctx.engine, ctx.clock, ctx.classifier)
    services.bot, services.dispatcher = ctx, ctx.dispatcher
    return await aiohttp_client(build_app(services, run.route_setups(services)))


async def test_the_demo_group_reports_and_workers_act_from_their_phones(aiohttp_client, demo_ctx, engine):
    client = await demo_client(aiohttp_client, demo_ctx)
    assert (await client.get("/demo")).status == 200
    said = await (await client.post("/demo/api/say", json={"resident": "王阿姨", "text": "桂花苑3栋路灯坏了好几天了"})).json()
    assert said["reply"].startswith("已受理")
    chit = await (await client.post("/demo/api/say", json={"resident": "刘大爷", "text": "大家早上好"})).json()
    assert chit["reply"] is None  # silence in the group
    feed = await (await client.get("/demo/api/feed")).json()
    [task] = [n for member, notes in feed["phones"].items() for n in notes if n["card"]]
    holder = next(member for member, notes in feed["phones"].items() if task in notes)
    clicked = await (await client.post("/demo/api/staff", json={"member": holder, "card": task["id"],
                                                                "button": task["card"]["buttons"][0]["key"]})).json()
    assert clicked["reply"] == "已接单"  # what the tapped card shows now, as WeCom's update_button
    feed = await (await client.get("/demo/api/feed")).json()
    assert any(n["text"].startswith("已签收") for n in feed["phones"][holder])  # what the tap did
    assert [n["state"] for n in feed["phones"][holder] if n["card"]] == ["已接单"]
    with session(engine) as db:
        assert db.exec(select(Ticket)).one().status == "accepted"
    bad = await client.post("/demo/api/say", data="not json")
    assert bad.status == 400


async def test_after_one_tap_every_other_card_in_the_demo_feed_says_who_took_it(aiohttp_client, bot_ctx, engine,
                                                                               clock):
    services = make_services(bot_ctx.settings, engine, bot_ctx.clock, bot_ctx.classifier)
    client = await aiohttp_client(build_app(services, [lambda app, _s: demo.setup(app, bot_ctx)]))
    await client.post("/demo/api/say", json={"resident": "王阿姨", "text": "桂花苑3栋楼道有人给电瓶车充电 线拉得到处都是"})
    clock.advance("1h")
    bot_ctx.dispatcher.tick(clock.now())  # nobody accepted: 张强's alert with a 接手 button
    first = feed.updates(engine, 0)
    cards = {p["id"]: p for p in first["pushes"] if p["card"]}
    [mine] = [p for p in cards.values() if p["to"] == "wg_li"]
    assert {p["to"] for p in cards.values()} >= {"wg_li", "wz_zhang"} and not any(p["state"] for p in cards.values())
    tapped = await (await client.post("/demo/api/staff", json={"member": "wg_li", "card": mine["id"],
                                                               "button": mine["card"]["buttons"][0]["key"]})).json()
    assert tapped["reply"] == "已接单"
    later = feed.updates(engine, first["last"])
    retired = {p["retire"]: p["label"] for p in later["pushes"] if p.get("retire")}
    assert retired == {i: "已由李明接单" for i, p in cards.items() if p["to"] != "wg_li"}
    again = {p["id"]: p["state"] for p in feed.updates(engine, 0)["pushes"] if p["card"]}  # a reload shows the same
    assert again == {i: "已接单" if i == mine["id"] else "已由李明接单" for i in cards}


PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
DEMO_ROUTES = [("GET", "/demo"), ("GET", "/demo/api/feed"), ("GET", "/demo/api/updates?after=0"),
               ("POST", "/demo/api/say"), ("POST", "/demo/api/staff"), ("GET", "/demo/api/clock"),
               ("POST", "/demo/api/clock"), ("POST", "/demo/api/photo"), ("POST", "/demo/api/kf/say"),
               ("GET", "/demo/api/kf/feed"), ("POST", "/m/login")]


def real_rows(engine, clock) -> None:
    """What a deployment's store holds: an OA resident's report, a WeCom member's message (the userid "demo"
    included), and pushes that went out over WeChat (none through the demo page)."""
    now = clock.now()
    with session(engine) as db:
        resident = Resident(channel="mp", external_id="oRealResident", created_at=now)
        db.add(resident)
        db.flush()
        for key, channel, sender in (("mp:9001", "mp", "oRealResident"), ("work:9002", "work", "LiMing"),
                                     ("work:demo:1764000000:click:accept:1", "work", "demo")):
            db.add(InboxMessage(msg_key=key, channel=channel, sender=sender, msg_type="text", status="done",
                                content="【真实】家里被盗，电话13912345678", reply="【真实】已受理", received_at=now))
        for key, audience, recipient, status in (("r1", "resident", str(resident.id), "sent"),
                                                 ("m1", "member", "wg_li", "sent"),
                                                 ("m2", "member", "wg_li", "failed"),
                                                 ("g1", "supervisors_group", "supervisors", "sent")):
            outbox.push(db, key=key, audience=audience, recipient=recipient, now=now,
                        text="【真实】工单 联系人13912345678")
            db.exec(update(Outbox).where(Outbox.idem_key == key).values(status=status))
        db.commit()


async def test_the_demo_feeds_carry_only_the_demos_rows_with_phones_masked(aiohttp_client, demo_ctx, engine, clock):
    real_rows(engine, clock)
    client = await demo_client(aiohttp_client, demo_ctx)
    said = await client.post("/demo/api/say", json={"resident": "王阿姨", "text": "桂花苑3栋路灯坏了 我电话13900001111"})
    assert (await said.json())["reply"].startswith("已受理")
    await client.post("/demo/api/kf/say", json={"resident": "周大爷", "text": "翠湖苑3栋井盖没了 电话13900002222"})
    await client.post("/demo/api/staff", json={"member": "wg_li", "text": "收到，我是李明13900002102"})
    bodies = {path: json.dumps(await (await client.get(path)).json(), ensure_ascii=False)
              for path in ("/demo/api/feed", "/demo/api/updates?after=0", "/demo/api/kf/feed")}
    for path, body in bodies.items():
        assert "【真实】" not in body and not PHONE.findall(body), path
    feed = await (await client.get("/demo/api/feed")).json()
    assert [c["text"] for c in feed["chat"]] == ["桂花苑3栋路灯坏了 我电话139****1111", "收到，我是李明139****2102"]
    assert any(n["card"] for notes in feed["phones"].values() for n in notes)  # the demo's own task card is there
    updates = await (await client.get("/demo/api/updates?after=0")).json()
    assert [s["member"] for s in updates["staff"]] == ["wg_li"] and updates["pushes"]


async def test_with_the_demo_off_no_demo_route_answers(aiohttp_client, bot_ctx):
    services = make_services(bot_ctx.settings, bot_ctx.engine, bot_ctx.clock, bot_ctx.classifier)
    services.bot, services.dispatcher = bot_ctx, bot_ctx.dispatcher
    client = await aiohttp_client(build_app(services, run.route_setups(services)))
    for method, path in DEMO_ROUTES:
        response = await client.request(method, path, json={"member": "sz_chen", "text": "办结 1 已处理"},
                                        allow_redirects=False)
        assert response.status == 404, (method, path, response.status)


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


def _poster(client, clock):
    """post(sender, msg_id): a signed, encrypted OA report from `sender`; the callback's answer."""
    from tests.bot import wechat
    ts = int(clock.now().timestamp())

    async def post(sender: str, msg_id: int) -> str:
        query, body = wechat.mp_safe(wechat.text_xml(sender, "桂花苑3栋路灯坏了好几天了", msg_id, ts), ts)
        return await (await client.post("/wechat/mp", params=query, data=body)).text()
    return post


async def test_a_residents_next_message_queues_behind_the_one_left_to_the_worker(client, bot_ctx, engine, clock,
                                                                                monkeypatch):
    from bot.inbound import receive
    post = _poster(client, clock)

    with monkeypatch.context() as busy:
        busy.setattr(bot_ctx.workers, "in_flight", receive.BACKLOG)
        assert await post("oFirst", 8811) == "success"  # left to the worker
    assert await post("oFirst", 8812) == "success"  # nothing in flight, but it goes behind their first
    assert "<Encrypt>" in await post("oOther", 8813)  # someone else's is answered in the callback (encrypted)
    with session(engine) as db:
        assert [row.status for row in db.exec(select(InboxMessage).order_by(InboxMessage.id))] == ["new", "new", "done"]
    assert sweep(bot_ctx, clock.now()) == 2
    assert not bot_ctx.workers.queue.busy()
    with session(engine) as db:
        replies = [db.exec(select(Outbox).where(Outbox.idem_key == f"reply:mp:oFirst:{n}")).one() for n in (8811, 8812)]
    assert all(r.payload["text"] for r in replies) and replies[0].id < replies[1].id  # through the outbox, in order
    assert "<Encrypt>" in await post("oFirst", 8814)  # caught up: answered in the callback again


async def test_when_many_wait_for_the_worker_everyones_new_messages_queue_behind_them(client, bot_ctx, engine,
                                                                                     clock, monkeypatch):
    from bot.context import WorkerQueue
    from bot.inbound import receive
    post = _poster(client, clock)

    with monkeypatch.context() as busy:
        busy.setattr(bot_ctx.workers, "in_flight", receive.BACKLOG)
        for n in range(WorkerQueue.SPILL + 1):
            assert await post(f"oRush{n}", 8900 + n) == "success"
    assert await post("oLater", 8950) == "success"  # a stranger to the queue, but too many wait
    assert sweep(bot_ctx, clock.now()) == WorkerQueue.SPILL + 2
    assert "<Encrypt>" in await post("oLater", 8951)
