"""Tried as a new user would in /demo: a worker's photo is on the ticket page days after WeChat would have
forgotten it. The demo page stands in for the worker's phone and keeps the photo in our store before it
sends the image message, as the media fetcher does for a real WeCom photo (test_media_callbacks)."""
from aiohttp import FormData
from sqlalchemy import update
from sqlmodel import select

from bot.context import BotContext
from core.offset_clock import OffsetClock
from demo import channel as demo
from demo import page_api
from dispatch.service import Dispatcher
from models import Assignment, Member, Ticket
from models.store import session
from tests.helpers import make_services, with_demo
from tests.web.conftest import login
from web import console, mobile
from web.app import build_app
from web.console.passwords import DEMO_PASSWORD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


async def test_a_workers_photo_from_the_demo_is_on_the_ticket_page_after_three_days(aiohttp_client, settings,
                                                                                      engine, clock, classifier):
    settings, demo_clock = with_demo(settings), OffsetClock(clock)
    services = make_services(settings, engine, demo_clock, classifier)
    dispatcher = Dispatcher(settings, engine, demo_clock, services.calendar, instance="test")
    ctx = BotContext(settings, engine, demo_clock, classifier, dispatcher, instance="test", privacy=services.privacy)
    services.dispatcher, services.bot = dispatcher, ctx
    client = await aiohttp_client(build_app(services, [lambda app, _s: demo.setup(app, ctx), page_api.setup,
                                                       console.setup, mobile.setup]))
    said = await (await client.post("/demo/api/say", json={"resident": "王阿姨", "text": "桂花苑3栋楼道有人给电瓶车充电"})).json()
    assert said["reply"].startswith("已受理")
    with session(engine) as db:
        ticket = db.exec(select(Ticket)).one()
        holder = db.exec(select(Assignment.member_id).where(Assignment.ticket_id == ticket.id, Assignment.active)).first()
    form = FormData()
    form.add_field("member", holder)
    form.add_field("photo", PNG, filename="p.png", content_type="image/png")
    sent = await (await client.post("/demo/api/photo", data=form)).json()
    assert sent["reply"] == f"照片已附到 {ticket.number}。"
    for _ in range(4):  # WeChat keeps a WeCom photo 3 days
        await client.post("/demo/api/clock", json={"step": "1d"})
    with session(engine) as db:  # the demo password opens only a member without a password of their own
        db.exec(update(Member).where(Member.id == "sz_chen").values(password_hash=""))  # (PostgreSQL keeps members)
        db.commit()
    assert (await login(client, "sz_chen", DEMO_PASSWORD)).status == 302
    page = await (await client.get(f"/console/tickets/{ticket.id}")).text()
    assert f'<img src="{sent["url"]}"' in page
    assert await (await client.get(sent["url"])).read() == PNG
