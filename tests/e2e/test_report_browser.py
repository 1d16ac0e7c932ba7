"""The 随手拍 page on a 390×844 phone screen: report with photos, follow the link, answer 回访; never wider than the screen."""
import os
import struct
import zlib
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web
from sqlmodel import select

from bot.context import BotContext
from core.clock import FakeClock
from core.config_load import load_settings
from dispatch.service import Dispatcher
from models import Assignment, Ticket
from models.store import make_engine, migrate, session
from models.sync import sync_directory
from tests.e2e.server import CHROMIUM, NOW, launch
from tests.helpers import make_services
from web import report
from web.app import build_app

if not Path(CHROMIUM).exists():
    if os.environ.get("GRIDWHISTLE_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is required (GRIDWHISTLE_REQUIRE_BROWSER=1) but not installed")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium fonts-noto-cjk)", allow_module_level=True)
from playwright import async_api as playwright_api  # noqa: E402  (test extra; after the browser check)

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}
WIDER_THAN_SCREEN = "document.documentElement.scrollWidth > window.innerWidth"


def png(width: int, height: int) -> bytes:
    """A real (decodable) RGB PNG of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x1a\x7f\x5a" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@asynccontextmanager
async def report_site(folder: Path, classifier):
    """Yield (base URL, bot context) for /r over a fresh SQLite file."""
    settings = load_settings()
    engine = make_engine(f"sqlite:///{folder / 'report.db'}")
    migrate(engine)
    sync_directory(engine, settings)
    clock = FakeClock(NOW)
    services = make_services(settings, engine, clock, classifier)
    dispatcher = Dispatcher(settings, engine, clock, services.calendar, instance="e2e")
    services.bot = BotContext(settings, engine, clock, classifier, dispatcher, instance="e2e", privacy=services.privacy)
    runner = web.AppRunner(build_app(services, [report.setup]), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}", services.bot
    finally:
        await runner.cleanup()
        engine.dispose()


def only_ticket(bot: BotContext) -> tuple[Ticket, str]:
    with session(bot.engine) as db:
        [ticket] = db.exec(select(Ticket)).all()
        worker = db.exec(select(Assignment.member_id).where(Assignment.ticket_id == ticket.id, Assignment.active,
                                                            Assignment.role == "primary")).first()
    return ticket, worker


async def test_a_resident_reports_with_photos_follows_and_answers_followup_on_a_phone(tmp_path, classifier):
    photos = [tmp_path / "1.png", tmp_path / "2.png"]
    for path in photos:
        path.write_bytes(png(40, 30))
    async with report_site(tmp_path, classifier) as (base, bot), playwright_api.async_playwright() as pw:
        browser = await launch(pw)
        page = await (await browser.new_context(**PHONE)).new_page()
        await page.goto(f"{base}/r?g=gh-2")
        assert "来自「桂花社区第二网格」的二维码" in await page.inner_text("main")
        assert not await page.evaluate(WIDER_THAN_SCREEN)
        assert await page.is_hidden("#building")  # no place picked yet: no 几栋
        await page.fill("#text", "楼道里有人给电瓶车充电，线从窗户拉下来，很危险")
        await page.select_option("#place", "锦绣花园")
        assert await page.locator("#place option").all_inner_texts() == ["请选择", "桂花苑", "桂花路", "桂花幼儿园",
                                                                        "锦绣花园", "锦绣里", "人民路", "翠湖苑",
                                                                        "建设路", "青石菜市场"]
        await page.fill("#building", "12")
        await page.set_input_files("#photos", [str(p) for p in photos])
        assert await page.inner_text("#photo-note") == "已选2张"
        await page.click("button[type=submit]")
        await page.wait_for_selector("text=查看办理进度")
        ticket, worker = only_ticket(bot)
        assert f"编号 {ticket.number}" in await page.inner_text("main")
        assert (ticket.grid_id, ticket.place, len(ticket.photos)) == ("gh-2-b", "锦绣花园12栋", 2)
        assert not await page.evaluate(WIDER_THAN_SCREEN)  # the long status link wraps

        await page.click("text=查看办理进度")
        await page.wait_for_url(f"**/r/t/{ticket.number}?k=*")
        widths = await page.eval_on_selector_all(".photos img", "imgs => imgs.map(i => i.naturalWidth)")
        assert widths == [40, 40]  # the photos came back from the store
        bot.dispatcher.act(worker, "accept", ticket.id)  # 办结 needs a 签收 first
        bot.dispatcher.act(worker, "resolve", ticket.id, "已劝离，电线已拆除")
        await page.reload()
        assert "处理结果：已劝离，电线已拆除" in await page.inner_text("main")
        assert not await page.evaluate(WIDER_THAN_SCREEN)
        await page.click("button[value=满意]")
        await page.wait_for_selector("text=您的评价：满意")
        assert "已办结归档" in await page.inner_text(".steps")
        assert not await page.evaluate(WIDER_THAN_SCREEN)
        await browser.close()


async def test_the_phones_location_is_enough_to_find_the_grid(tmp_path, classifier):
    async with report_site(tmp_path, classifier) as (base, bot), playwright_api.async_playwright() as pw:
        browser = await launch(pw)
        context = await browser.new_context(**PHONE, geolocation={"latitude": 30.846, "longitude": 104.187},
                                            permissions=["geolocation"])
        page = await context.new_page()
        await page.goto(f"{base}/r")
        await page.fill("#text", "这里的路灯坏了好几天了，晚上一片漆黑")
        await page.click("#locate")
        await page.wait_for_selector("text=已定位")
        await page.click("button[type=submit]")
        await page.wait_for_selector("text=查看办理进度")
        ticket, _ = only_ticket(bot)
        assert ticket.grid_id == "lx-2" and ticket.place.startswith("手机定位 30.84600,104.18700")
        await browser.close()
