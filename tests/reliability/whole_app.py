"""The service's whole outside on the test store: callbacks (OA, WeCom, robot), demo, ticket API and console."""
import pytest
import xmltodict

from bot.inbound.robot import setup as robot_routes
from bot.inbound.routes import setup as bot_routes
from demo import channel as demo
from tests.bot import wechat
from tests.helpers import make_services
from web import api, console
from web.app import build_app

API_TOKEN = "reliability-token"


@pytest.fixture
async def site(aiohttp_client, bot_ctx, world):
    """A client of every route; `world` (tests/web) has given every member the test password."""
    tokens = bot_ctx.settings.api.model_copy(update={"tokens": [API_TOKEN]})
    settings = bot_ctx.settings.model_copy(update={"api": tokens})
    services = make_services(settings, bot_ctx.engine, bot_ctx.clock, bot_ctx.classifier)
    services.dispatcher, services.bot = bot_ctx.dispatcher, bot_ctx
    routes = [lambda app, _s: bot_routes(app, bot_ctx), lambda app, _s: robot_routes(app, bot_ctx),
              lambda app, _s: demo.setup(app, bot_ctx), api.setup, console.setup]
    return await aiohttp_client(build_app(services, routes))


async def say_mp(client, clock, sender: str, text: str, msg_id: int) -> str:
    """A resident's message over the Official Account (safe mode, as its AES key is set); the passive reply's text."""
    ts = int(clock.now().timestamp())
    query, body = wechat.mp_safe(wechat.text_xml(sender, text, msg_id, ts), ts)
    response = await client.post("/wechat/mp", params=query, data=body.encode())
    assert response.status == 200
    reply = await response.text()
    return "" if reply == "success" else xmltodict.parse(wechat.decrypt_reply(reply))["xml"]["Content"]


async def say_work(client, clock, wechat_id: str, text: str, msg_id: int) -> str:
    """A member's text over the WeCom app (encrypted, signed); the passive reply's text."""
    ts = int(clock.now().timestamp())
    query, body = wechat.work_encrypted(wechat.text_xml(wechat_id, text, msg_id, ts, to=wechat.CORP_ID), ts)
    response = await client.post("/wechat/work", params=query, data=body.encode())
    assert response.status == 200
    return xmltodict.parse(wechat.decrypt_reply(await response.text(), work=True))["xml"]["Content"]
