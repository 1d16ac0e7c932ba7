"""Phone views in a real browser: a worker closes a task from /m with a photo, a grid leader reassigns,
and no console or /m page scrolls sideways at 390 px."""
import os
from pathlib import Path

import pytest
from sqlmodel import select

from models import MediaFile, Ticket
from models.store import session
from tests.e2e.phone_pages import (
    DESKTOP,
    PHONE,
    fresh_report,
    holder,
    horizontal_overflow,
    pick,
    png,
)
from tests.e2e.server import CHROMIUM, launch, log_in, seeded_console

if not Path(CHROMIUM).exists():
    if os.environ.get("GRIDWHISTLE_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is required (GRIDWHISTLE_REQUIRE_BROWSER=1) but not installed")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium fonts-noto-cjk)", allow_module_level=True)
from playwright import async_api as playwright_api  # noqa: E402  (test extra; after the browser check)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390x844", "1440x900"])
async def test_a_worker_accepts_arrives_and_closes_with_a_photo_on_m(tmp_path, viewport):
    async with seeded_console(tmp_path, days=3) as (base, services), playwright_api.async_playwright() as pw:
        ticket_id, number, worker = fresh_report(services)
        browser = await launch(pw)
        page = await browser.new_page(viewport=viewport)
        await pick(page, base, worker)
        assert number in await page.inner_text("#to-accept")
        await page.click(f"#to-accept a[data-ticket='{ticket_id}']")
        await page.wait_for_url(f"{base}/m/t/{ticket_id}")
        assert "井盖没了" in await page.inner_text("#message")
        assert "uri.amap.com" in await page.get_attribute("#map", "href")

        await page.click("#accept button")
        await page.wait_for_selector("#flash")
        assert "已签收" in await page.inner_text("#flash")
        await page.click("#arrive button")
        await page.wait_for_selector("text=已记录到场")
        await page.fill("#resolve textarea[name=note]", "已设置围挡，通知物业今天补盖")
        await page.set_input_files("#resolve input[name=photo]",
                                   files=[{"name": "scene.png", "mimeType": "image/png", "buffer": png()}])
        await page.wait_for_selector("#resolve .previews img")
        await page.click("#resolve button[type=submit]")
        await page.wait_for_selector("text=已附 1 张照片")
        assert "已办结" in await page.inner_text("#status")
        src = await page.get_attribute("#photos img", "src")
        loaded = await page.evaluate("src => fetch(src).then(r => r.headers.get('content-type'))", src)
        assert loaded == "image/png"
        assert "已设置围挡" in await page.inner_text("#timeline")
        await browser.close()
    with session(services.engine) as db:
        ticket = db.get(Ticket, ticket_id)
        assert (ticket.status, ticket.resolution) == ("resolved", "已设置围挡，通知物业今天补盖")
        assert db.exec(select(MediaFile.ticket_id)).all() == [ticket_id]


async def test_a_grid_leader_reassigns_from_the_phone(tmp_path):
    async with seeded_console(tmp_path, days=3) as (base, services), playwright_api.async_playwright() as pw:
        ticket_id, _number, worker = fresh_report(services)
        target = "wg_wangfang" if worker != "wg_wangfang" else "wg_liutao"
        browser = await launch(pw)
        page = await browser.new_page(viewport=PHONE)
        await pick(page, base, "wz_zhang", "/m/grid")
        await page.click(f"#grid-tasks a[data-ticket='{ticket_id}']")
        await page.wait_for_url(f"{base}/m/t/{ticket_id}")
        await page.select_option("#reassign select[name=member]", target)
        await page.fill("#reassign input[name=note]", "离得近")
        await page.click("#reassign button")
        await page.wait_for_selector("#flash")
        assert "已改派给" in await page.inner_text("#flash")
        assert "改派给" in await page.inner_text("#timeline") and "离得近" in await page.inner_text("#timeline")
        await browser.close()
    assert holder(services, ticket_id) == target


async def test_no_console_or_m_page_scrolls_sideways_at_390(tmp_path):
    async with seeded_console(tmp_path, days=10) as (base, services), playwright_api.async_playwright() as pw:
        ticket_id, _number, worker = fresh_report(services)
        browser = await launch(pw)
        page = await browser.new_page(viewport=PHONE)
        widths = {}
        await page.goto(f"{base}/console/login")
        widths["/console/login"] = await horizontal_overflow(page)
        await log_in(page, base)
        for path in ("/console/board", f"/console/tickets/{ticket_id}", "/console/stats", "/console/assessment"):
            await page.goto(base + path)
            widths[path] = await horizontal_overflow(page)
        for path in ("/console/board", "/console/assessment"):  # printed for a meeting: the data, no controls
            await page.goto(base + path)
            await page.emulate_media(media="print")
            assert not await page.is_visible("form.filters") and not await page.is_visible("header nav")
            assert await page.is_visible("table")
            await page.emulate_media(media="screen")
        await page.goto(f"{base}/m/login")
        widths["/m/login"] = await horizontal_overflow(page)
        for member, paths in (("wz_zhang", ("/m", "/m/grid", f"/m/t/{ticket_id}", "/m/visits")),
                              (worker, ("/m", f"/m/t/{ticket_id}"))):
            await pick(page, base, member)
            for path in paths:
                await page.goto(base + path)
                widths[f"{member} {path}"] = await horizontal_overflow(page)
        await browser.close()
    assert widths and all(v == 0 for v in widths.values()), widths
