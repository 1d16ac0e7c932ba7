"""A world where photos and voice arrive through signed callbacks and are downloaded from the fake WeChat."""
import re
from dataclasses import dataclass, replace

import aiohttp
import pytest
from sqlalchemy import update
from sqlmodel import select

from bot.context import BotContext
from bot.inbound.robot import setup as robot_routes
from bot.inbound.routes import setup as bot_routes
from bot.media.fetch import MediaFetcher
from bot.outbound.tokens import TokenCache
from bot.outbound.transports import Transports
from models import AuditLog, Member, Ticket
from models.store import session
from tests.bot.conftest import bot_ctx, wechat_settings  # noqa: F401 - the callbacks' bot
from tests.fakes.wechat_server import FakeWeChat
from tests.helpers import make_services
from web import console, mobile
from web.app import build_app
from web.console.passwords import hash_password

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 8
AMR = b"#!AMR\n" + bytes(range(32)) * 20
PASSWORD = "correct horse"


@dataclass
class MediaWorld:
    fake: FakeWeChat
    client: object  # callbacks, the console and /m on one app
    ctx: BotContext
    fetcher: MediaFetcher

    async def fetch(self) -> int:
        """One tick of the media step."""
        return await self.fetcher.step(self.ctx.clock.now())

    def ticket(self, ticket_id: int) -> Ticket:
        with session(self.ctx.engine) as db:
            return db.get(Ticket, ticket_id)

    def timeline(self, ticket_id: int) -> list[AuditLog]:
        with session(self.ctx.engine) as db:
            return db.exec(select(AuditLog).where(AuditLog.ticket_id == ticket_id).order_by(AuditLog.id)).all()

    async def sign_in(self, member: str = "sz_chen") -> None:
        html = await (await self.client.get("/console/login")).text()
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)
        response = await self.client.post("/console/login", allow_redirects=False, data={
            "member": member, "password": PASSWORD, "next": "/console/board", "csrf": token})
        assert response.status == 302 and response.headers["Location"] == "/console/board"


@pytest.fixture
async def media(aiohttp_server, aiohttp_client, bot_ctx):
    fake = FakeWeChat()
    server = fake.server = await aiohttp_server(fake.app())
    base = str(server.make_url("/"))
    w = bot_ctx.settings.wechat
    settings = bot_ctx.settings.model_copy(update={"wechat": w.model_copy(update={
        "work": w.work.model_copy(update={"secret": "s", "agent_id": 1000002, "api_base_url": base}),
        "mp": w.mp.model_copy(update={"app_secret": "s", "api_base_url": base}),
        # the robot's files come from the fake (on loopback) instead of WeCom's COS bucket
        "robot": w.robot.model_copy(update={"media_hosts": [f"{server.host}:{server.port}"]})})})
    ctx = replace(bot_ctx, settings=settings)
    with session(ctx.engine) as db:
        db.exec(update(Member).values(password_hash=hash_password(PASSWORD)))
        db.commit()
    services = make_services(settings, ctx.engine, ctx.clock, ctx.classifier)
    services.dispatcher, services.bot = ctx.dispatcher, ctx
    client = await aiohttp_client(build_app(services, [lambda app, _s: bot_routes(app, ctx),
                                                       lambda app, _s: robot_routes(app, ctx),
                                                       console.setup, mobile.setup]))
    async with aiohttp.ClientSession() as http:
        transports = Transports(settings, http, TokenCache(ctx.engine, ctx.clock))
        yield MediaWorld(fake, client, ctx, MediaFetcher(ctx, transports))
