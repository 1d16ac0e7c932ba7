"""`python -m tests.e2e.screenshots [FOLDER]`: PNGs of the board, a ticket page and the statistics page.

A person looks at these; the console is served from a temporary SQLite file with a month of
seeded history, at the same fixed moment the tests use, so the pictures are reproducible.
"""
import asyncio
import sys
import tempfile
from pathlib import Path

from playwright.async_api import async_playwright

from tests.e2e.server import launch, log_in, seeded_console

PAGES = [("board", "/console/board"), ("stats", "/console/stats"), ("assessment", "/console/assessment")]


async def take(folder: Path) -> list[Path]:
    """Write the screenshots into `folder`; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        async with seeded_console(Path(scratch)) as (base, _services), async_playwright() as pw:
            browser = await launch(pw)
            page = await browser.new_page(viewport={"width": 1440, "height": 900})
            await log_in(page, base)
            for name, path in PAGES:
                await page.goto(base + path)
                written.append(folder / f"{name}.png")
                await page.screenshot(path=written[-1], full_page=True)
            await page.goto(base + "/console/board?status=closed")
            await page.click("#live tbody tr:nth-child(3) td:first-child a")  # a whole story: 派单 … 回访
            await page.wait_for_url("**/console/tickets/*")
            written.append(folder / "ticket.png")
            await page.screenshot(path=written[-1], full_page=True)
            await browser.close()
    return written


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    for path in asyncio.run(take(folder)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
