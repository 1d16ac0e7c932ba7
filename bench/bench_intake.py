"""Callback ack latency at a steady rate: the full handler vs a bare signature+decrypt+reply handler.

Both servers run on loopback in this process; a load generator posts signed, encrypted
Official Account messages at `rate` per second and records each answer's latency. The full
handler stores every message before answering; what it could not process inside the callback
under load (answered "success") is then drained by the inbox worker, and that time is shown.
"""
import asyncio
import sys
import tempfile
import time

import aiohttp
from aiohttp import web
from wechatpy.replies import TextReply

from bench.common import pct, table
from bot.context import BotContext
from bot.crypto import ChannelKeys
from bot.guard import parse_xml
from bot.handle import sweep
from bot.routes import setup as bot_routes
from core.clock import SystemClock
from core.config_load import load_settings
from core.workcal import WorkCalendar
from dispatch.service import Dispatcher
from models.store import make_engine, migrate
from models.sync import sync_directory
from tests.bot import wechat
from tests.helpers import make_services
from web.app import build_app

MESSAGES = ["桂花苑{n}栋路灯坏了", "大家早上好", "锦绣花园{n}栋楼道有人给电瓶车充电", "谢谢网格员", "翠湖苑{n}栋楼下垃圾没人收"]


def bare_app(keys: ChannelKeys) -> web.Application:
    async def handle(request: web.Request) -> web.Response:
        q = request.query
        data = parse_xml(keys.decrypt(parse_xml(await request.read()), q["msg_signature"], q["timestamp"], q["nonce"]))
        xml = TextReply(source=data["ToUserName"], target=data["FromUserName"], content="已收到").render()
        return web.Response(text=keys.encrypt(xml, q["nonce"], q["timestamp"]))
    app = web.Application()
    app.router.add_post("/wechat/mp", handle)
    return app


def full_app(settings) -> tuple[web.Application, BotContext]:
    from nlp.classifier import Classifier
    from nlp.gazetteer import Gazetteer
    from core.gazetteer import gazetteer_entries
    engine = make_engine(f"sqlite:///{tempfile.mkdtemp()}/intake.db")
    migrate(engine)
    sync_directory(engine, settings)
    clock = SystemClock()
    classifier = Classifier.load(gazetteer=Gazetteer.from_entries(gazetteer_entries(settings))).warm_up()
    cal = WorkCalendar(settings.working_hours.periods, settings.working_hours.calendar, settings.timezone)
    ctx = BotContext(settings, engine, clock, classifier, Dispatcher(settings, engine, clock, cal), instance="bench")
    return build_app(make_services(settings, engine, clock, classifier), [lambda app, _s: bot_routes(app, ctx)]), ctx


def drain(ctx: BotContext) -> tuple[float, int]:
    """Seconds the inbox worker takes to answer what the callbacks left for it, and how many."""
    started, total = time.perf_counter(), 0
    while done := sweep(ctx, ctx.clock.now()):
        total += done
    return time.perf_counter() - started, total


async def load(url: str, rate: int, seconds: float) -> tuple[list[float], int]:
    latencies, errors, tasks = [], 0, []
    async with aiohttp.ClientSession() as http:
        async def one(i: int) -> None:
            nonlocal errors
            ts = int(time.time())
            query, body = wechat.mp_safe(wechat.text_xml(f"o{i % 300}", MESSAGES[i % 5].format(n=i % 12 + 1),
                                                         10**9 + i, ts), ts)
            started = time.perf_counter()
            async with http.post(url, params=query, data=body) as response:
                await response.read()
                errors += response.status != 200
            latencies.append(time.perf_counter() - started)
        start = time.perf_counter()
        for i in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
    return latencies, errors


async def measure(app: web.Application, rate: int, seconds: float) -> tuple:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    latencies, errors = await load(f"http://127.0.0.1:{port}/wechat/mp", rate, seconds)
    await runner.cleanup()
    return pct(latencies, 50) * 1000, pct(latencies, 99) * 1000, max(latencies) * 1000, errors, len(latencies)


async def main(rates=(50, 200), seconds: float = 5.0) -> str:
    base = load_settings()
    w = base.wechat
    settings = base.model_copy(update={"wechat": w.model_copy(update={"mp": w.mp.model_copy(update={
        "token": wechat.TOKEN, "encoding_aes_key": wechat.MP_AES, "app_id": wechat.APP_ID})})})
    keys = ChannelKeys(wechat.TOKEN, wechat.MP_AES, wechat.APP_ID, work=False)
    rows = []
    for rate in rates:
        bare = await measure(bare_app(keys), rate, seconds)
        app, ctx = full_app(settings)
        full = await measure(app, rate, seconds)
        await asyncio.sleep(0.5)  # let processing already under way finish
        drained_s, deferred = await asyncio.to_thread(drain, ctx)
        rows.append((rate, full[4], f"{full[0]:.1f}", f"{full[1]:.1f}", f"{full[2]:.0f}", f"{bare[0]:.1f}",
                     f"{bare[1]:.1f}", f"{full[1] / bare[1]:.1f}", full[3], full[4] - deferred, deferred,
                     f"{drained_s:.1f}"))
    return table(rows, ("msg/s", "sent", "p50 ms", "p99 ms", "max ms", "bare p50", "bare p99", "p99 ratio", "non-200",
                        "done in callback", "left to worker", "worker drain s"))


if __name__ == "__main__":
    rates = tuple(int(r) for r in sys.argv[1:]) or (50, 200)
    print(asyncio.run(main(rates)))
