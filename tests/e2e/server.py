"""A seeded console on a random loopback port, for the browser tests and the screenshots."""
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web

from core.clock import FakeClock
from core.config_load import load_settings
from demo.seed import seed_demo_history
from dispatch.service import Dispatcher
from models.store import make_engine, migrate
from models.sync import sync_directory
from tests.helpers import TEST_PRIVACY, make_services, with_demo
from web import console, mobile
from web.app import build_app
from web.console.passwords import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
NOW = "2026-12-01T10:00:00+08:00"  # a Tuesday morning: November is a whole month of history
NOW_DEMO = "2026-11-24T10:00:00+08:00"  # a working Tuesday: reports go to the grid, not to the night duty


@asynccontextmanager
async def seeded_console(folder: Path, days: int = 30):
    """Yield (base URL, services) for a console over a fresh SQLite file with `days` of history, in demo mode
    (members log in with the demo password)."""
    settings = with_demo(load_settings())
    engine = make_engine(f"sqlite:///{folder / 'console.db'}")
    migrate(engine)
    sync_directory(engine, settings)
    clock = FakeClock(NOW)
    services = make_services(settings, engine, clock)
    services.dispatcher = Dispatcher(settings, engine, clock, services.calendar, instance="e2e")
    seed_demo_history(services, days=days)
    runner = web.AppRunner(build_app(services, [console.setup, mobile.setup]), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", services
    finally:
        await runner.cleanup()
        engine.dispose()


async def launch(playwright):
    """Debian's Chromium, headless; Playwright never downloads a browser of its own here."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


async def log_in(page, base: str, member: str = "sz_chen", password: str = DEMO_PASSWORD) -> None:
    """Open the board, get sent to the login, log in, land on the board."""
    await page.goto(f"{base}/console/board")
    await page.fill("input[name=member]", member)
    await page.fill("input[name=password]", password)
    await page.click("form.login button[type=submit]")
    await page.wait_for_url(f"{base}/console/board")


@asynccontextmanager
async def demo_service(folder: Path):
    """Yield (base URL, services) for the whole demo as `make run` serves it (routes, bot, dispatch), over a
    fresh SQLite file, its clock a demo clock on a fake one at NOW_DEMO: only the 快进 buttons move it.
    The ticker is not started: a 快进 runs its cycles itself, so the test needs no waiting."""
    import run
    from core.offset_clock import OffsetClock
    from duties.register import sync_register

    settings = with_demo(load_settings())
    settings = settings.model_copy(update={"media": settings.media.model_copy(update={"folder": folder / "media"})})
    engine = make_engine(f"sqlite:///{folder / 'demo.db'}")
    migrate(engine)
    sync_directory(engine, settings)
    clock = OffsetClock(FakeClock(NOW_DEMO))
    sync_register(engine, settings, clock.now())
    services = run.build_services(settings, clock=clock, engine=engine, privacy=TEST_PRIVACY)
    runner = web.AppRunner(build_app(services, run.route_setups(services)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}", services
    finally:
        await runner.cleanup()
        engine.dispose()
