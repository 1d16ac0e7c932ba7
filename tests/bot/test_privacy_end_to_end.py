"""王阿姨 leaves her phone and ID number in a report: the store holds neither in clear, the console shows them masked,
赵警官 (社区民警) opens them with one audited click, and 李明 (网格员, who holds the ticket) cannot."""
import re

from sqlmodel import select

from models import AuditLog, InboxMessage, Ticket
from models.store import session
from tests.bot.conftest import bot_ctx, wechat_settings  # noqa: F401 - fixtures
from tests.bot.test_conversation import say
from tests.privacy_scan import numbers_at_rest
from tests.reliability.whole_app import site  # noqa: F401 - fixture
from tests.web.conftest import login, world  # noqa: F401 - fixture

PHONE, ID_NUMBER = "13812345678", "11010519491231002X"
REPORT = "桂花苑3栋门口路灯坏了好几天了 晚上黑乎乎的 我电话138 1234 5678 身份证号11010519491231002X 有事找我"


async def reveal(site, ticket_id: int, page_id: int | None = None):
    """显示完整号码 on a ticket, with the CSRF token of its page (or of another ticket's page)."""
    html = await (await site.get(f"/console/tickets/{page_id or ticket_id}")).text()
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    return await site.post(f"/console/tickets/{ticket_id}/reveal", data={"csrf": token.group(1) if token else ""})


def reveals(engine, ticket_id: int) -> list[AuditLog]:
    with session(engine) as db:
        return db.exec(select(AuditLog).where(AuditLog.ticket_id == ticket_id,
                                              AuditLog.action == "numbers_revealed")).all()


async def test_numbers_are_sealed_at_rest_masked_on_the_page_and_opened_by_an_officer_only(site, bot_ctx, clock, engine):
    reply = await say(site, clock, "oWangAyi", REPORT, 8801)
    assert reply.startswith("已受理")
    with session(engine) as db:
        ticket = db.exec(select(Ticket)).one()
        inbox = db.exec(select(InboxMessage)).one()
    assert numbers_at_rest(engine, sent=[PHONE, ID_NUMBER]) == []
    assert "138****5678" in inbox.content and "110***********002X" in ticket.text
    assert bot_ctx.privacy.unseal(inbox.content_sealed) == REPORT  # the words as written, for whoever may open them

    await login(site, "wg_li")  # holds the ticket: sees it, masked, and no button to open the numbers
    page = await (await site.get(f"/console/tickets/{ticket.id}")).text()
    assert "138****5678" in page and PHONE not in page and "显示完整号码" not in page
    refused = await reveal(site, ticket.id)
    assert refused.status == 403 and PHONE not in await refused.text()
    assert reveals(engine, ticket.id) == []

    await login(site, "mj_zhao")  # 桂花社区's 社区民警
    page = await (await site.get(f"/console/tickets/{ticket.id}")).text()
    assert "138****5678" in page and PHONE not in page and ID_NUMBER not in page and "显示完整号码" in page
    opened = await reveal(site, ticket.id)
    html = await opened.text()
    assert opened.status == 200 and opened.headers["Cache-Control"] == "no-store"
    assert f'href="tel:{PHONE}"' in html and ID_NUMBER in html and "13900002102" in html  # 李明's work phone too
    [audit] = reveals(engine, ticket.id)
    assert audit.actor == "mj_zhao" and audit.at is not None
    page = await (await site.get(f"/console/tickets/{ticket.id}")).text()
    assert PHONE not in page and "查看完整号码" in page  # shown once; the look is in the timeline
    assert numbers_at_rest(engine, sent=[PHONE, ID_NUMBER]) == []


async def test_a_reveal_needs_the_pages_csrf_token_and_a_ticket_in_reach(site, engine, clock):
    await say(site, clock, "oWangAyi", REPORT, 8802)
    await say(site, clock, "oLiuPo", "柳溪村二组的垃圾堆了一个礼拜没人清 臭死了", 8803)
    with session(engine) as db:
        ticket, theirs = db.exec(select(Ticket).order_by(Ticket.id)).all()
    await login(site, "mj_tian")  # 柳溪村's officer: 桂花社区's tickets are out of his reach
    assert (await reveal(site, ticket.id, page_id=theirs.id)).status == 404
    await login(site, "mj_zhao")
    forged = await site.post(f"/console/tickets/{ticket.id}/reveal", data={"csrf": "0" * 64})
    assert forged.status == 403 and PHONE not in await forged.text()
    assert (await site.post("/console/tickets/²/reveal", data={})).status in (403, 404)
    assert reveals(engine, ticket.id) == []
