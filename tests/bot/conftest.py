"""A running callback app on the test store, with WeChat keys set and a fake clock."""
import pytest

from bot.context import BotContext
from bot.inbound.robot import setup as robot_routes
from bot.inbound.routes import setup as bot_routes
from core.workcal import WorkCalendar
from dispatch.service import Dispatcher
from tests.bot import wechat
from tests.helpers import TEST_PRIVACY, make_services, media_for, with_demo
from web.app import build_app


@pytest.fixture
def wechat_settings(settings):
    w = settings.wechat
    mp = w.mp.model_copy(update={"token": wechat.TOKEN, "encoding_aes_key": wechat.MP_AES, "app_id": wechat.APP_ID})
    work = w.work.model_copy(update={"token": wechat.WORK_TOKEN, "encoding_aes_key": wechat.WORK_AES,
                                     "corp_id": wechat.CORP_ID})
    robot = w.robot.model_copy(update={"token": wechat.TOKEN, "encoding_aes_key": wechat.MP_AES})
    keyed = settings.model_copy(update={"wechat": w.model_copy(update={"mp": mp, "work": work, "robot": robot})})
    return with_demo(keyed, enabled=False)  # credentials set: a deployment (config_demo refuses the demo beside them)


@pytest.fixture
def bot_ctx(wechat_settings, engine, clock, classifier):
    calendar = WorkCalendar(wechat_settings.working_hours.periods, "chinese", wechat_settings.timezone)
    dispatcher = Dispatcher(wechat_settings, engine, clock, calendar, instance="test")
    return BotContext(wechat_settings, engine, clock, classifier, dispatcher, instance="test", privacy=TEST_PRIVACY,
                      media=media_for(wechat_settings, engine, clock))


def plain_mp(bot_ctx):
    """The same context with the Official Account in plain mode (no AES key)."""
    from dataclasses import replace
    w = bot_ctx.settings.wechat
    mp = w.mp.model_copy(update={"encoding_aes_key": ""})
    return replace(bot_ctx, settings=bot_ctx.settings.model_copy(update={"wechat": w.model_copy(update={"mp": mp})}))


async def build_client(aiohttp_client, bot_ctx):
    """A fresh application around the same store: what a restart looks like from outside."""
    services = make_services(bot_ctx.settings, bot_ctx.engine, bot_ctx.clock, bot_ctx.classifier)
    return await aiohttp_client(build_app(services, [lambda app, _s: bot_routes(app, bot_ctx),
                                                     lambda app, _s: robot_routes(app, bot_ctx)]))


@pytest.fixture
async def client(aiohttp_client, bot_ctx):
    return await build_client(aiohttp_client, bot_ctx)
