"""The demo in a browser at 390x844: tabs, a report, card taps and commands on a worker's phone,
errors on screen, a photo, the demo clock firing an escalation and a 回访, and the cards of everyone
else losing their buttons once one worker took the ticket."""
import os
from pathlib import Path

import pytest
from sqlmodel import select

from models import MediaFile, Ticket
from models.store import session
from tests.e2e.phone_pages import DESKTOP, PHONE, holder, horizontal_overflow, png
from tests.e2e.server import CHROMIUM, demo_service, launch

if not Path(CHROMIUM).exists():
    if os.environ.get("GRIDWHISTLE_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is required (GRIDWHISTLE_REQUIRE_BROWSER=1) but not installed")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium fonts-noto-cjk)", allow_module_level=True)
from playwright import async_api as playwright_api  # noqa: E402  (test extra; after the browser check)

REPORT = "桂花苑3栋楼道有人给电瓶车充电，线都拖到楼梯上了"


async def say(page, text: str) -> None:
    await page.fill("#text", text)
    await page.click("#say button")


async def fast_forward(page, label: str) -> str:
    await page.click(f"#clock button:text('{label}')")
    await page.wait_for_function("document.getElementById('clock-said').textContent.includes('现在')")
    return await page.inner_text("#clock-said")


async def test_the_demo_on_a_phone_with_its_clock(tmp_path):
    async with demo_service(tmp_path) as (base, services), playwright_api.async_playwright() as pw:
        browser = await launch(pw)
        page = await browser.new_page(viewport=PHONE)
        await page.goto(f"{base}/demo")
        assert await page.is_visible("nav.tabs") and await page.is_visible("#chat")
        assert not await page.is_visible("#phones")  # 各人手机 is the other tab

        await say(page, "")
        await page.wait_for_selector("#say-error:text('请填写居民名字和内容')")
        await say(page, "长" * 4963)
        await page.wait_for_selector("#say-error:text('消息太长（4963 字）')")
        assert await page.input_value("#text") == "长" * 4963  # kept, not cut and sent

        await say(page, REPORT)
        await page.wait_for_selector("#chat .bot:has-text('已受理')")
        with session(services.engine) as db:
            ticket = db.exec(select(Ticket)).one()
        worker = holder(services, ticket.id)
        name = services.settings.member(worker).name

        await page.set_input_files("#resident-photo", files=[{"name": "scene.png", "mimeType": "image/png",
                                                               "buffer": png()}])
        await page.wait_for_selector("#chat img")

        await fast_forward(page, "快进 1 小时")  # nobody accepted: the grid leader is alerted
        await page.click("nav.tabs button[data-tab=phones]")
        await page.click("#chips button:has-text('张强')")
        leader = page.locator(".phone.on .feed")
        await leader.locator("text=超时").first.wait_for()
        assert ticket.number in await leader.inner_text()

        await page.click(f"#chips button:has-text('{name}')")
        phone = page.locator(".phone.on")
        await phone.locator(".card button:text('接单')").first.click()
        await phone.locator("text=点了「接单」").wait_for()
        await phone.locator(".card .done:text('已接单')").wait_for()  # the tapped card, as WeCom's update_button
        assert await phone.locator(".card button").count() == 0
        await phone.locator(".bubble:has-text('已签收')").wait_for()  # what the tap did, as a message

        await page.click("#chips button:has-text('张强')")  # the leader's 接手 card says who took it
        alert = page.locator(".phone.on .card", has_text=ticket.number)
        await alert.locator(f".done:text('已由{name}接单')").wait_for()
        assert await alert.locator("button").count() == 0
        await page.reload()  # and still does on a fresh page
        await page.click("nav.tabs button[data-tab=phones]")
        await page.click("#chips button:has-text('张强')")
        await page.locator(".phone.on .card", has_text=ticket.number).locator(f".done:text('已由{name}接单')").wait_for()

        await page.click(f"#chips button:has-text('{name}')")
        await phone.locator("input[type=text]").fill(f"办结 {ticket.id} 已劝离，电瓶车已推出楼道")
        await phone.locator("button:text('回复')").click()
        await phone.locator(".bot:has-text('已办结')").wait_for()
        assert f"办结 {ticket.id} 已劝离" in await phone.locator(".mine").last.inner_text()
        assert f"办结 {ticket.id}" not in await page.inner_text("#chat")  # staff commands stay on the phone

        said = await fast_forward(page, "快进 1 小时")  # 1 h after 办结: the 回访 question
        assert "触发" in said
        await page.click("nav.tabs button[data-tab=group]")
        await page.locator("#updates >> text=满意吗").wait_for()
        assert "王阿姨" in await page.inner_text("#updates")
        assert await horizontal_overflow(page) == 0
        await page.click("nav.tabs button[data-tab=phones]")
        assert await horizontal_overflow(page) == 0

        wide = await browser.new_page(viewport=DESKTOP)
        await wide.goto(f"{base}/demo")
        await wide.wait_for_selector(".phone")
        assert await wide.is_visible("#chat") and await wide.is_visible("#phones")
        assert not await wide.is_visible("nav.tabs")
        await browser.close()
    with session(services.engine) as db:
        assert db.exec(select(MediaFile.sender)).all() == ["resident:王阿姨"]
        assert db.get(Ticket, ticket.id).status == "resolved"
