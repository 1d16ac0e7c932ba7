"""Helpers for the browser tests of phone views: a fresh report to a known worker, a real PNG, widths."""
import struct
import zlib

from sqlmodel import select

from dispatch.api import Report
from models import Assignment, Resident
from models.store import session
from tests.dispatch.conftest import FakeTriage

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def png(width: int = 8, height: int = 8) -> bytes:
    """A real (tiny, grey) PNG, as a phone camera's picture stands in a test."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def holder(services, ticket_id: int) -> str:
    """The member the ticket is assigned to now."""
    with session(services.engine) as db:
        return db.exec(select(Assignment.member_id).where(Assignment.ticket_id == ticket_id, Assignment.active,
                                                          Assignment.role == "primary")).one()


def fresh_report(services, text: str = "桂花苑5栋门口井盖没了，晚上很危险") -> tuple[int, str, str]:
    """A safety hazard in 桂花社区第一网格, as a resident reports it; (ticket id, number, worker it went to)."""
    now = services.clock.now()
    with session(services.engine) as db:
        resident = Resident(channel="demo", external_id="e2e-王阿姨", name="王阿姨", created_at=now)
        db.add(resident)
        db.commit()
    receipt = services.dispatcher.submit(Report(
        resident_id=resident.id, channel="demo", text=text,
        triage=FakeTriage("safety_hazard", "non_police", "urgent", "桂花苑5栋", "gh-1")))
    return receipt.ticket_id, receipt.number, holder(services, receipt.ticket_id)


async def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    return await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


async def pick(page, base: str, member: str, next_path: str = "/m") -> None:
    """Sign in on /m through the demo's member picker (as someone new: earlier sessions are forgotten)."""
    await page.context.clear_cookies()
    await page.goto(f"{base}{next_path}")
    await page.click(f"#picker button[value={member}]")
    await page.wait_for_url(f"{base}{next_path}")
