"""The console in a real browser: log in, filter, open a ticket, reassign it, export the ledger."""
import csv
import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e.server import CHROMIUM, launch, log_in, seeded_console
from web.console.ledger_rows import HEADERS

# CI (.ci/run) installs Chromium and sets GRIDWHISTLE_REQUIRE_BROWSER=1: there a missing browser fails.
if not Path(CHROMIUM).exists():
    if os.environ.get("GRIDWHISTLE_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is required (GRIDWHISTLE_REQUIRE_BROWSER=1) but not installed")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium fonts-noto-cjk)", allow_module_level=True)
from playwright import async_api as playwright_api  # noqa: E402  (test extra; after the browser check)


async def test_a_supervisor_works_the_board_in_a_browser(tmp_path):
    async with seeded_console(tmp_path, days=10) as (base, _services), playwright_api.async_playwright() as pw:
        browser = await launch(pw)
        page = await browser.new_page(accept_downloads=True)
        await log_in(page, base)
        assert "陈所长" in await page.inner_text("header")

        await page.select_option("select[name=area]", "gh-1")  # the page submits the filter on change
        await page.wait_for_url("**area=gh-1**")
        grids = await page.locator("#live tbody tr td:nth-child(6)").all_inner_texts()
        numbers = await page.locator("#live tbody tr td:first-child a").all_inner_texts()
        assert numbers and set(grids) == {"桂花社区第一网格"}

        await page.evaluate("window.gwRefresh()")  # the live part refreshes in place
        assert await page.locator("#live tbody tr td:first-child a").all_inner_texts() == numbers

        await page.click(f"text={numbers[0]}")
        await page.wait_for_url("**/console/tickets/*")
        assert numbers[0] in await page.inner_text("h1")
        await page.select_option("#reassign select[name=member]", "wg_wangfang")
        await page.fill("#reassign input[name=note]", "王芳离得近")
        await page.click("#reassign button[type=submit]")
        await page.wait_for_selector("#flash")
        assert "已改派给王芳" in await page.inner_text("#flash")
        assert "改派给王芳：王芳离得近" in await page.inner_text("#timeline")

        await page.go_back()
        await page.go_back()
        await page.wait_for_url("**area=gh-1**")
        await page.reload()
        shown = set(await page.locator("#live tbody tr td:first-child a").all_inner_texts())
        async with page.expect_download() as xlsx_info:
            await page.click("#export-xlsx")
        path = tmp_path / "ledger.xlsx"
        await (await xlsx_info.value).save_as(path)
        rows = [list(r)[1:] for r in list(load_workbook(path).active.values)[2:]]  # under the title; 序号 first
        assert rows[0] == HEADERS
        assert {r[0] for r in rows[1:]} == shown
        assert {r[HEADERS.index("网格")] for r in rows[1:]} == {"桂花社区第一网格"}
        async with page.expect_download() as csv_info:
            await page.click("#export-csv")
        text = Path(await (await csv_info.value).path()).read_text(encoding="utf-8-sig")
        assert {r[0] for r in list(csv.reader(io.StringIO(text)))[1:]} == shown
        await browser.close()
