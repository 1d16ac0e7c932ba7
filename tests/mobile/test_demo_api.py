"""The demo's own API: the demo clock, updates with only what is new, photos; the offset clock itself."""
from datetime import timedelta

import pytest
from aiohttp import FormData
from sqlalchemy import func
from sqlmodel import select

from bot.context import BotContext
from core.clock import FakeClock, utc
from core.offset_clock import OffsetClock
from demo import channel as demo
from demo import page_api
from demo.clock import restore as restore_demo_time
from demo.seed import seed_demo_history
from dispatch.service import Dispatcher
from models import Escalation, MediaFile, Ticket
from models.store import session
from tests.helpers import make_services, with_demo
from tests.mobile.conftest import PNG
from web.app import build_app


def test_the_offset_clock_only_goes_forward():
    base = FakeClock("2026-11-24T10:00:00+08:00")
    clock = OffsetClock(base)
    assert clock.now() == base.now()
    clock.advance("1h")
    base.advance("10m")
    assert clock.now() - base.now() == timedelta(hours=1) and clock.offset == timedelta(hours=1)
    clock.catch_up(timedelta(minutes=5))  # behind ours: ignored
    assert clock.offset == timedelta(hours=1)
    clock.catch_up(timedelta(days=1))
    assert clock.offset == timedelta(days=1)
    with pytest.raises(ValueError):
        clock.advance(-60)


def test_the_demo_history_is_seeded_on_the_demo_clock_which_keeps_its_offset(settings, engine, clock):
    settings = with_demo(settings)
    demo_time = OffsetClock(clock)
    demo_time.advance("1h")
    services = make_services(settings, engine, demo_time)
    services.dispatcher = Dispatcher(settings, engine, demo_time, services.calendar, instance="test")
    assert seed_demo_history(services, days=2) > 0  # as `make run` does before serving
    assert demo_time.offset == timedelta(hours=1) and demo_time.now() == clock.now() + timedelta(hours=1)
    with session(engine) as db:
        latest = db.exec(select(func.max(Ticket.created_at))).one()
    assert utc(latest) <= demo_time.now()


@pytest.fixture
def demo_clock(clock):
    return OffsetClock(clock)


@pytest.fixture
async def demo_client(aiohttp_client, settings, engine, demo_clock, classifier):
    settings = with_demo(settings)
    services = make_services(settings, engine, demo_clock, classifier)
    dispatcher = Dispatcher(settings, engine, demo_clock, services.calendar, instance="test")
    ctx = BotContext(settings, engine, demo_clock, classifier, dispatcher, instance="test", privacy=services.privacy)
    services.dispatcher, services.bot = dispatcher, ctx
    services.ticker.add_step("deadlines", dispatcher.tick)
    return await aiohttp_client(build_app(services, [lambda app, _s: demo.setup(app, ctx), page_api.setup]))


async def test_fast_forward_fires_what_fell_due_and_is_kept(demo_client, engine, settings, clock):
    said = await (await demo_client.post("/demo/api/say", json={"resident": "王阿姨",
                                                                 "text": "桂花苑3栋楼道有人给电瓶车充电"})).json()
    assert said["reply"].startswith("已受理")
    first = await (await demo_client.get("/demo/api/clock")).json()
    moved = await (await demo_client.post("/demo/api/clock", json={"step": "1h"})).json()
    assert moved["fired"] >= 1 and moved["ahead"] == "1小时" and moved["local"] != first["local"]
    with session(engine) as db:
        assert db.exec(select(Escalation)).all()  # nobody accepted within the hour
    refused = await demo_client.post("/demo/api/clock", json={"step": "-1d"})
    assert refused.status == 400 and "只能快进" in (await refused.json())["error"]
    restarted = OffsetClock(FakeClock(clock.now()))
    services = make_services(settings, engine, restarted)
    restore_demo_time(services)
    assert restarted.offset == timedelta(hours=1)


async def test_updates_bring_only_new_pushes_and_card_taps_as_actions(demo_client):
    await demo_client.post("/demo/api/say", json={"resident": "王阿姨", "text": "桂花苑3栋楼道有人给电瓶车充电"})
    first = await (await demo_client.get("/demo/api/updates?after=0")).json()
    assert [m["roles"] for m in first["members"] if m["id"] == "sz_chen"] == ["所领导"]
    [task] = [p for p in first["pushes"] if p["card"]]
    again = await (await demo_client.get(f"/demo/api/updates?after={first['last']}")).json()
    assert again["pushes"] == [] and "members" not in again
    clicked = await (await demo_client.post("/demo/api/staff", json={"member": task["to"], "card": task["id"],
                                                                     "button": task["card"]["buttons"][0]["key"]})).json()
    assert clicked["reply"] == "已接单"  # the tapped card's new button text
    later = await (await demo_client.get(f"/demo/api/updates?after={first['last']}")).json()
    [tap] = [s for s in later["staff"] if s["member"] == task["to"]]
    assert tap["text"] == f"点了「接单」（工单 {task['card']['ticket_id']}）" and tap["reply"] == "已接单"
    assert all(p["id"] > first["last"] for p in later["pushes"])
    assert any(p["text"].startswith("已签收") and p["to"] == task["to"] for p in later["pushes"])  # what it did
    assert [c["text"] for c in later["chat"]] == ["桂花苑3栋楼道有人给电瓶车充电"]  # staff taps stay off the group


async def test_errors_are_said_not_swallowed(demo_client):
    empty = await demo_client.post("/demo/api/staff", json={"member": "wg_li", "text": "  "})
    assert empty.status == 400 and "请输入" in (await empty.json())["error"]
    long = await demo_client.post("/demo/api/say", json={"resident": "王阿姨", "text": "长" * 2001})
    assert long.status == 400 and "2001 字" in (await long.json())["error"]


async def test_a_photo_from_a_resident_joins_their_report(demo_client, engine):
    await demo_client.post("/demo/api/say", json={"resident": "王阿姨", "text": "桂花苑3栋楼道有人给电瓶车充电"})
    form = FormData()
    form.add_field("resident", "王阿姨")
    form.add_field("photo", PNG, filename="p.png", content_type="image/png")
    sent = await (await demo_client.post("/demo/api/photo", data=form)).json()
    assert sent["reply"].startswith("照片已收到，已附到编号 GW-")
    with session(engine) as db:
        assert db.exec(select(MediaFile.sender, MediaFile.source)).all() == [("resident:王阿姨", "demo")]
    bad = FormData()
    bad.add_field("member", "wg_li")
    bad.add_field("photo", b"MZ\x90\x00", filename="x.exe", content_type="image/png")
    refused = await demo_client.post("/demo/api/photo", data=bad)
    assert refused.status == 400 and "只能上传照片" in (await refused.json())["error"]
