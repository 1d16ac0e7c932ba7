"""/m shows numbers masked; 赵警官 opens them on the task page to call back (audited), 李明 cannot."""
from sqlalchemy import update
from sqlmodel import select

from models import AuditLog, Ticket
from models.store import session
from tests.helpers import TEST_PRIVACY
from tests.mobile.conftest import form_token, hazard, pick
from tests.mobile.test_worker import holder

WRITTEN = "桂花苑3栋楼道有人给电瓶车充电 我电话 138-1234-5678"


def reported(world, engine) -> int:
    """王阿姨's report, stored as the bot stores it: masked, the words as written sealed beside."""
    ticket_id = hazard(world, text=TEST_PRIVACY.split(WRITTEN)[0]).ticket_id
    with session(engine) as db:
        db.exec(update(Ticket).where(Ticket.id == ticket_id).values(text_sealed=TEST_PRIVACY.seal(WRITTEN)))
        db.commit()
    return ticket_id


async def test_an_officer_opens_the_numbers_on_the_task_page_and_it_is_recorded(client, world, engine):
    ticket_id = reported(world, engine)
    await pick(client, "mj_zhao")
    page = await (await client.get(f"/m/t/{ticket_id}")).text()
    assert "138****5678" in page and "13812345678" not in page and "显示完整号码" in page
    token = await form_token(client, f"/m/t/{ticket_id}")
    opened = await client.post(f"/m/t/{ticket_id}/reveal", data={"csrf": token})
    html = await opened.text()
    assert opened.status == 200 and 'href="tel:13812345678"' in html and "拨打 13812345678" in html
    with session(engine) as db:
        [audit] = db.exec(select(AuditLog).where(AuditLog.action == "numbers_revealed")).all()
    assert (audit.actor, audit.ticket_id) == ("mj_zhao", ticket_id)


async def test_the_worker_holding_the_task_cannot_open_them(client, world, engine):
    ticket_id = reported(world, engine)
    await pick(client, holder(engine, ticket_id))  # a 网格员 of 桂花社区第一网格
    page = await (await client.get(f"/m/t/{ticket_id}")).text()
    assert "138****5678" in page and "显示完整号码" not in page
    token = await form_token(client, "/m")
    refused = await client.post(f"/m/t/{ticket_id}/reveal", data={"csrf": token})
    assert refused.status == 403 and "13812345678" not in await refused.text()
    with session(engine) as db:
        assert db.exec(select(AuditLog).where(AuditLog.action == "numbers_revealed")).all() == []
