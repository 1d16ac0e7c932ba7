"""A 微信客服 world: the callback app, the fake WeCom (sync_msg, send_msg), the puller, the inbox worker, the sender."""
import asyncio
from dataclasses import dataclass, replace

import aiohttp
import pytest

from bot.context import BotContext
from bot.inbound import handle
from bot.inbound import routes as bot_routes
from bot.kf import routes as kf_routes
from bot.kf.api import KfApi
from bot.kf.pull import KfPuller
from bot.kf.send import KfChannel
from bot.outbound.sender import Sender
from bot.outbound.tokens import TokenCache
from bot.outbound.transports import Transports
from tests.bot import wechat
from tests.fakes.wechat_server import FakeWeChat
from tests.helpers import make_services
from web.app import build_app

SIGNAL_TOKEN = "ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR"  # the documented sample's Token


def kf_event_xml(create_time: int, open_kfid: str = "wkKF1", token: str = SIGNAL_TOKEN) -> str:
    """The documented kf_msg_or_event callback: no sender, only a Token and the account with news."""
    return (f"<xml><ToUserName><![CDATA[{wechat.CORP_ID}]]></ToUserName><CreateTime>{create_time}</CreateTime>"
            f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>"
            f"<Token><![CDATA[{token}]]></Token><OpenKfId><![CDATA[{open_kfid}]]></OpenKfId></xml>")


@dataclass
class KfWorld:
    fake: FakeWeChat
    client: object
    ctx: BotContext
    puller: KfPuller
    sender: Sender

    @property
    def now(self):
        return self.ctx.clock.now()

    async def signal(self, path: str = "/wechat/work", **event) -> int:
        """WeCom's callback saying "pull": the HTTP status it got."""
        ts = int(self.now.timestamp())
        query, body = wechat.work_encrypted(kf_event_xml(ts, **event), ts)
        response = await self.client.post(path, params=query, data=body)
        assert await response.text() in ("success", "") or response.status != 200
        return response.status

    async def settle(self) -> None:
        """What the service does within a few ticks: pull, answer, deliver."""
        await self.puller.step(self.now)
        await asyncio.to_thread(handle.sweep, self.ctx, self.now)
        while await self.sender.step(self.now):
            pass

    async def says(self, user: str, text: str = "", msgtype: str = "text", **content) -> None:
        """A resident writes to the account from WeChat; WeCom signals; the service settles."""
        self.fake.kf_says(user, int(self.now.timestamp()), msgtype, **(content or {"content": text}))
        assert await self.signal() == 200
        await self.settle()

    def heard(self, user: str) -> list[str]:
        """Texts kf/send_msg delivered to the resident, oldest first."""
        return [s.text for s in self.fake.sent if s.api == "kf" and s.to == user]


def kf_settings(settings, base: str, **kf):
    w = settings.wechat
    return settings.model_copy(update={"wechat": w.model_copy(update={
        "work": w.work.model_copy(update={"secret": "s", "agent_id": 1000002, "api_base_url": base}),
        "kf": w.kf.model_copy(update={"enabled": True} | kf)})})


@pytest.fixture
async def kf(aiohttp_server, aiohttp_client, bot_ctx):
    fake = FakeWeChat()
    server = await aiohttp_server(fake.app())
    ctx = replace(bot_ctx, settings=kf_settings(bot_ctx.settings, str(server.make_url("/"))))
    services = make_services(ctx.settings, ctx.engine, ctx.clock, ctx.classifier)
    client = await aiohttp_client(build_app(services, [lambda app, _s: bot_routes.setup(app, ctx),
                                                       lambda app, _s: kf_routes.setup(app, ctx)]))
    async with aiohttp.ClientSession() as http:
        transports = Transports(ctx.settings, http, TokenCache(ctx.engine, ctx.clock))
        api = KfApi(transports)
        transports.channels["kf"] = KfChannel(api, ctx.engine, ctx.clock)
        yield KfWorld(fake, client, ctx, KfPuller(ctx, api), Sender(ctx, transports))
