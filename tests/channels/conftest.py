"""The resident channels on the test store: the 随手拍 page, 微信客服 and the robot's long connection."""
import re

import pytest
from sqlmodel import select

from models import Assignment, Outbox, Ticket
from models.store import session
from tests.bot.conftest import bot_ctx, wechat_settings  # noqa: F401 - the same bot as the callbacks'
from tests.helpers import make_services
from web import report
from web.app import build_app

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(range(256)) * 8
PNG = b"\x89PNG\r\n\x1a\n" + bytes(300)


@pytest.fixture
def page_services(bot_ctx):
    services = make_services(bot_ctx.settings, bot_ctx.engine, bot_ctx.clock, bot_ctx.classifier)
    services.bot = bot_ctx
    return services


@pytest.fixture
async def page(aiohttp_client, page_services):
    """A phone's browser on /r: it keeps the device cookie between requests."""
    return await aiohttp_client(build_app(page_services, [report.setup]))


async def form_token(page, path: str = "/r") -> str:
    html = await (await page.get(path)).text()
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def tickets(engine) -> list[Ticket]:
    with session(engine) as db:
        return db.exec(select(Ticket).order_by(Ticket.id)).all()


def holder(engine, ticket_id: int) -> str:
    """The member who holds the ticket now (its primary assignee)."""
    with session(engine) as db:
        return db.exec(select(Assignment.member_id).where(Assignment.ticket_id == ticket_id, Assignment.active,
                                                          Assignment.role == "primary")).first()


def pushed_to(engine, recipient: str) -> list[str]:
    """Texts queued for a member id or a resident id, oldest first."""
    with session(engine) as db:
        rows = db.exec(select(Outbox).where(Outbox.recipient == recipient).order_by(Outbox.id)).all()
    return [r.payload.get("text", "") for r in rows]
from tests.channels.kf_world import kf  # noqa: E402,F401 - the 微信客服 world fixture
