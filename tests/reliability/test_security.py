"""Security, from the outside: workers cannot act on others' tickets (refused, answered, logged), and what
residents type is stored as written and shown as text (test_security_injection.py). A login being
required at all is tests/test_wiring.py.
"""
import logging

from sqlmodel import select

from models import AuditLog, Ticket
from models.store import session
from tests.bot.conftest import bot_ctx, wechat_settings  # noqa: F401 - fixtures
from tests.reliability.whole_app import say_work, site  # noqa: F401 - fixture
from tests.web.conftest import csrf, hazard, login, world  # noqa: F401 - fixture


def huangs_ticket(world) -> int:
    """张大爷's report in 锦绣花园微网格二: 黄伟 or 徐磊 has it, 李明 (桂花社区第一网格) does not."""
    return hazard(world, who="张大爷", text="锦绣花园12栋路灯坏了", grid="gh-2-b", category="facility_repair",
                  location="锦绣花园12栋").ticket_id


def refusals(caplog, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger and r.levelno == logging.WARNING]


def untouched(engine, ticket_id: int, by: str) -> bool:
    with session(engine) as db:
        ticket = db.get(Ticket, ticket_id)
        mine = db.exec(select(AuditLog).where(AuditLog.ticket_id == ticket_id, AuditLog.actor == by)).all()
    return ticket.status == "dispatched" and ticket.resolution is None and not mine


async def test_it_refuses_and_logs_a_worker_closing_another_workers_ticket_over_wecom(site, world, clock, caplog):
    ticket_id = huangs_ticket(world)
    with caplog.at_level(logging.WARNING):
        reply = await say_work(site, clock, "LiMing", f"办结 {ticket_id} 已劝离，双方和解", msg_id=5101)
    assert "不是派给您的工单，不能办结" in reply
    [record] = refusals(caplog, "dispatch.actions")
    assert (record.member, record.action, record.ticket_id) == ("wg_li", "resolve", ticket_id)
    assert untouched(world.engine, ticket_id, by="wg_li")


def test_it_refuses_and_logs_every_action_on_another_workers_ticket(world, caplog):
    ticket_id = huangs_ticket(world)
    actions = ["accept", "arrive", "resolve", "return", "transfer_police", "transfer_grid"]
    with caplog.at_level(logging.WARNING):
        outcomes = [world.dispatcher.act("wg_li", action, ticket_id, "不属本网格") for action in actions]
    assert [o.ok for o in outcomes] == [False] * len(actions)
    assert all("不是派给您的工单" in o.message for o in outcomes)
    assert [r.action for r in refusals(caplog, "dispatch.actions")] == actions
    # 网格长 张强 leads 第一网格, not 第二: no take-over of 黄伟's ticket either
    assert world.dispatcher.act("wz_zhang", "accept", ticket_id).ok is False
    assert untouched(world.engine, ticket_id, by="wg_li") and untouched(world.engine, ticket_id, by="wz_zhang")


async def test_it_refuses_and_logs_console_actions_out_of_reach(site, world, caplog):
    ticket_id = huangs_ticket(world)
    village_ticket = hazard(world, who="刘婆婆", text="柳溪村二组垃圾没人清", grid="lx-1", category="sanitation",
                            location="柳溪村二组").ticket_id
    await login(site, "wg_li")
    with caplog.at_level(logging.WARNING):
        worker = await site.post(f"/console/tickets/{ticket_id}/action", data={"action": "close", "note": "x"},
                                 allow_redirects=False)
    assert worker.status == 403 and "只有所领导" in await worker.text()
    await login(site, "zd_deng")  # 网格指导员 of 柳溪村: may act, but only on 柳溪村's tickets
    token = await csrf(site, village_ticket)
    with caplog.at_level(logging.WARNING):
        instructor = await site.post(f"/console/tickets/{ticket_id}/action", allow_redirects=False,
                                     data={"action": "close", "note": "越权关闭", "csrf": token})
    assert instructor.status == 404 and "不在您的查看范围内" in await instructor.text()
    logged = refusals(caplog, "web.console.actions")
    assert [(r.member, r.ticket, r.reason) for r in logged] == [("wg_li", str(ticket_id), "role may not act"),
                                                              ("zd_deng", str(ticket_id), "ticket out of reach")]
    assert untouched(world.engine, ticket_id, by="zd_deng")
