"""The demo channel uses the same inbox/outbox; messages stored but never processed are swept."""
from sqlmodel import select

from bot import demo
from bot.handle import sweep
from bot.incoming import Incoming
from bot.inbox import store
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
    row, created = store(engine, incoming, clock.now())  # ...and the process dies before answering
    assert created
    assert sweep(bot_ctx, clock.now()) == 0  # too fresh: the request itself may still answer
    clock.advance("15s")
    assert sweep(bot_ctx, clock.now()) == 1
    with session(engine) as db:
        stored = db.get(InboxMessage, row.id)
        queued = db.exec(select(Outbox).where(Outbox.idem_key == "reply:mp:777")).one()
    assert stored.status == "done" and stored.ticket_id is not None
    assert queued.payload["text"].startswith("已受理")
    assert sweep(bot_ctx, clock.now()) == 0
