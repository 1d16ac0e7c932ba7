"""A 网格长 hands a ticket of their grid to another worker of it, and nothing beyond that."""
from sqlmodel import select

from models import Assignment, AuditLog, Ticket
from models.store import session
from tests.dispatch.test_scenarios import HAZARD


def _holder(world, ticket_id: int) -> str:
    with session(world.engine) as db:
        return db.exec(select(Assignment.member_id).where(Assignment.ticket_id == ticket_id, Assignment.active,
                                                          Assignment.role == "primary")).one()


def test_a_grid_leader_reassigns_within_the_grid_and_the_story_goes_with_it(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    before = _holder(world, receipt.ticket_id)
    other = "wg_wangfang" if before != "wg_wangfang" else "wg_liutao"
    outcome = world.dispatcher.reassign_in_grid("wz_zhang", receipt.ticket_id, other, "离得近")
    assert outcome.ok and "已改派给" in outcome.message
    assert _holder(world, receipt.ticket_id) == other
    name = {"wg_wangfang": "王芳", "wg_liutao": "刘涛"}[other]
    assert f"张强改派给{name}：离得近" in world.expect(other, "【新工单】")
    left = world.expect(before, "【工单已移交】")
    assert f"张强改派给{name}：离得近" in left and f"现由{name}承办，您无需再处理。" in left
    stale = world.dispatcher.act(before, "accept", receipt.ticket_id)  # the card the previous holder still has
    assert not stale.ok and f"现由{name}承办" in stale.message
    with session(world.engine) as db:
        last = db.exec(select(AuditLog).where(AuditLog.ticket_id == receipt.ticket_id)
                       .order_by(AuditLog.id.desc())).first()
    assert (last.actor, last.action) == ("wz_zhang", "dispatched") and "离得近" in last.note


def test_a_grid_leader_may_not_reach_outside_the_grid(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    before = _holder(world, receipt.ticket_id)
    elsewhere = world.dispatcher.reassign_in_grid("wz_zhou", receipt.ticket_id, "wg_chenjing")
    assert not elsewhere.ok and "不在您负责的网格" in elsewhere.message
    outsider = world.dispatcher.reassign_in_grid("wz_zhang", receipt.ticket_id, "wg_chenjing")
    assert not outsider.ok and "只能改派给本网格的网格员" in outsider.message
    worker = world.dispatcher.reassign_in_grid("wg_li", receipt.ticket_id, "wg_wangfang")
    assert not worker.ok
    assert _holder(world, receipt.ticket_id) == before


def test_a_grid_leader_leaves_police_matters_and_closed_tickets_alone(world):
    police = world.report("王阿姨", "桂花苑3栋有人打架", category="violence", kind="police", urgency="urgent",
                          location="桂花苑3栋", grid_id="gh-1")
    refused = world.dispatcher.reassign_in_grid("wz_zhang", police.ticket_id, "wg_li")
    assert not refused.ok and "警务类" in refused.message
    done = world.report("李大爷", "桂花路路灯不亮", category="facility_repair", kind="non_police",
                        location="桂花路", grid_id="gh-1")
    holder = _holder(world, done.ticket_id)
    assert world.dispatcher.member_text(holder, f"接单 {done.ticket_id}").ok
    assert world.dispatcher.member_text(holder, f"办结 {done.ticket_id} 已修好").ok
    late = world.dispatcher.reassign_in_grid("wz_zhang", done.ticket_id, "wg_li")
    assert not late.ok and "已办结或关闭" in late.message
    with session(world.engine) as db:
        assert db.get(Ticket, done.ticket_id).status == "resolved"


def test_a_photo_goes_to_the_ticket_named_not_the_latest_one(world):
    first = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    holder = _holder(world, first.ticket_id)
    second = world.report("李大爷", "桂花路路灯不亮", category="facility_repair", kind="non_police",
                          location="桂花路", grid_id="gh-1")
    world.dispatcher.reassign_in_grid("wz_zhang", second.ticket_id, holder)
    assert world.dispatcher.attach_photo(holder, "/m/photos/" + "a" * 32, first.ticket_id).ok
    assert world.dispatcher.attach_photo("wg_chenjing", "/m/photos/" + "b" * 32, first.ticket_id) is None
    with session(world.engine) as db:
        assert [p["url"] for p in db.get(Ticket, first.ticket_id).photos] == ["/m/photos/" + "a" * 32]
        assert db.get(Ticket, second.ticket_id).photos == []
