"""`python -m tests.e2e.screenshots [FOLDER]`: PNGs of the console at 1440x900 and the phone views at 390x844.

A person looks at these (the README shows them); the console is served from a temporary SQLite
file with a month of seeded history, at the same fixed moment the tests use, so the pictures are
reproducible. The phone views: a grid worker's 我的任务 and one task on /m, a grid leader's 本网格,
两天必见面, the board on a phone, and the demo's phones after a report and a 快进.
"""
import asyncio
import sys
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

from tests.e2e.phone_pages import DESKTOP, PHONE, fresh_report, pick
from tests.e2e.server import demo_service, launch, log_in, seeded_console

PAGES = [("board", "/console/board"), ("stats", "/console/stats"), ("assessment", "/console/assessment")]


async def take(folder: Path) -> list[Path]:
    """Write the screenshots into `folder`; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        async with seeded_console(Path(scratch)) as (base, services), async_playwright() as pw:
            browser = await launch(pw)
            written += await _console(await browser.new_page(viewport=DESKTOP), base, folder)
            written += await _phones(await browser.new_page(viewport=PHONE), base, services, folder)
            await browser.close()
        async with demo_service(Path(scratch)) as (base, _services), async_playwright() as pw:
            browser = await launch(pw)
            written += await _demo(await browser.new_page(viewport=PHONE), base, folder)
            await browser.close()
    return written


async def _shot(page, path: Path, full_page: bool = True) -> Path:
    await page.screenshot(path=path, full_page=full_page)
    return path


async def _console(page, base: str, folder: Path) -> list[Path]:
    await log_in(page, base)
    written = []
    for name, path in PAGES:
        await page.goto(base + path)
        written.append(await _shot(page, folder / f"{name}.png"))
    await page.goto(base + "/console/board?status=closed")
    await page.click("#live tbody tr:nth-child(3) td:first-child a")  # a whole story: 派单 … 回访
    await page.wait_for_url("**/console/tickets/*")
    written.append(await _shot(page, folder / "ticket.png"))
    return written


async def _phones(page, base: str, services, folder: Path) -> list[Path]:
    ticket_id, _number, worker = fresh_report(services)
    await pick(page, base, worker)
    written = [await _shot(page, folder / "m-tasks.png")]
    await page.goto(f"{base}/m/t/{ticket_id}")
    written.append(await _shot(page, folder / "m-task.png", full_page=False))
    await page.goto(f"{base}/m/visits")
    written.append(await _shot(page, folder / "m-visits.png", full_page=False))
    await pick(page, base, "wz_zhang", "/m/grid")
    written.append(await _shot(page, folder / "m-grid.png", full_page=False))
    await log_in(page, base)
    written.append(await _shot(page, folder / "board-phone.png", full_page=False))
    return written


async def _demo(page, base: str, folder: Path) -> list[Path]:
    await page.goto(f"{base}/demo")
    await page.fill("#text", "锦绣花园12栋楼道有人给电瓶车充电，线都拖到楼梯上了")
    await page.click("#say button")
    await page.wait_for_selector("#chat .bot")
    await page.click("#clock button[data-step='1h']")
    await page.wait_for_function("document.getElementById('clock-said').textContent.includes('现在')")
    written = [await _shot(page, folder / "demo-group.png", full_page=False)]
    await page.click("nav.tabs button[data-tab=phones]")
    await page.click("#chips button:has-text('周丽')")  # the grid leader, alerted after the hour
    written.append(await _shot(page, folder / "demo-phones.png", full_page=False))
    return written


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    for path in asyncio.run(take(folder)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
