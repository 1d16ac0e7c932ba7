"""run.py wires each resident channel's transport and background step only when its config asks for it."""
import aiohttp

import run
from bot.outbound.tokens import TokenCache
from bot.outbound.transports import Transports
from tests.helpers import make_services


def services_for(bot_ctx, **wechat):
    w = bot_ctx.settings.wechat
    settings = bot_ctx.settings.model_copy(update={"wechat": w.model_copy(update=wechat)})
    services = make_services(settings, bot_ctx.engine, bot_ctx.clock, bot_ctx.classifier)
    services.bot = bot_ctx
    return services


async def test_the_demo_config_adds_the_page_and_kf_transports_but_no_background_link(bot_ctx):
    services = services_for(bot_ctx, robot=bot_ctx.settings.wechat.robot.model_copy(update={"encoding_aes_key": ""}))
    async with aiohttp.ClientSession() as http:
        transports = Transports(services.settings, http, TokenCache(bot_ctx.engine, bot_ctx.clock))
        assert run.start_channels(services, transports) is None
    assert set(transports.channels) == {"web", "kf"}
    assert [name for name, _ in services.ticker.steps] == []


async def test_kf_and_the_robots_long_connection_get_their_own_lanes(bot_ctx):
    w = bot_ctx.settings.wechat
    services = services_for(bot_ctx, work=w.work.model_copy(update={"secret": "s"}),
                            kf=w.kf.model_copy(update={"enabled": True}),
                            robot=w.robot.model_copy(update={"mode": "long_connection", "bot_id": "b", "secret": "s"}))
    async with aiohttp.ClientSession() as http:
        transports = Transports(services.settings, http, TokenCache(bot_ctx.engine, bot_ctx.clock))
        link = run.start_channels(services, transports)
    assert set(transports.channels) == {"web", "kf", "robot"} and link is not None
    assert {name: lane for lane, steps in services.ticker.lanes.items() for name, _ in steps} == {
        "kf": "kf", "robot_link": "robot", "media": "media"}


async def test_a_configured_wechat_product_gets_the_media_downloads_in_their_own_lane(bot_ctx):
    w = bot_ctx.settings.wechat
    services = services_for(bot_ctx, mp=w.mp.model_copy(update={"app_secret": "s"}),
                            robot=w.robot.model_copy(update={"encoding_aes_key": ""}))
    async with aiohttp.ClientSession() as http:
        run.start_channels(services, Transports(services.settings, http, TokenCache(bot_ctx.engine, bot_ctx.clock)))
    assert services.ticker.lanes["media"][0][0] == "media"
