"""Who may do what to a ticket, and what they hear back."""
from sqlmodel import select

from models import Assignment, AuditLog, Deadline, Ticket
from models.store import session
from tests.dispatch.test_scenarios import HAZARD


def test_a_worker_cannot_act_on_a_ticket_not_assigned_to_them(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    outcome = world.dispatcher.member_text("wg_chenjing", f"接单 {receipt.ticket_id}")
    assert not outcome.ok and "不是派给您的工单" in outcome.message
    with session(world.engine) as db:
        assert db.get(Ticket, receipt.ticket_id).status == "dispatched"


def test_a_wrong_ticket_number_gets_a_clear_answer(world):
    outcome = world.dispatcher.member_text("wg_li", "接单 999")
    assert not outcome.ok and "没有编号为 999 的工单" in outcome.message


def test_the_number_may_be_left_out_when_the_worker_holds_one_ticket(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    assert world.dispatcher.member_text("wg_li", "接单").ok
    with session(world.engine) as db:
        assert db.get(Ticket, receipt.ticket_id).status == "accepted"


def test_resolving_needs_a_note_and_arrival_is_recorded(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    assert world.dispatcher.member_text("wg_li", f"到场 {receipt.ticket_id}").ok
    refused = world.dispatcher.member_text("wg_li", f"办结 {receipt.ticket_id}")
    assert not refused.ok and "请写明处理情况" in refused.message
    assert world.dispatcher.member_text("wg_li", f"办结 {receipt.ticket_id} 已清理").ok
    with session(world.engine) as db:
        steps = db.exec(select(AuditLog.action, AuditLog.actor).where(AuditLog.ticket_id == receipt.ticket_id)
                        .order_by(AuditLog.id)).all()
        pending = db.exec(select(Deadline).where(Deadline.ticket_id == receipt.ticket_id,
                                                 Deadline.status == "pending")).all()
    assert steps[-3:] == [("accepted", "wg_li"), ("arrived", "wg_li"), ("resolved", "wg_li")]
    assert [d.kind for d in pending] == ["followup"]  # the resolved ticket's ladders are void


def test_a_photo_after_resolving_attaches_to_the_ticket(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.dispatcher.member_text("wg_li", f"办结 {receipt.ticket_id} 已清理")
    outcome = world.dispatcher.attach_photo("wg_li", "https://example.invalid/p1.jpg")
    assert outcome.ok and receipt.number in outcome.message
    with session(world.engine) as db:
        assert db.get(Ticket, receipt.ticket_id).photos[0]["url"] == "https://example.invalid/p1.jpg"


def test_a_grid_worker_transfers_a_police_matter(world):
    receipt = world.report("王阿姨", "锦绣花园5栋两家人吵架", category="neighbor_dispute", kind="non_police",
                           urgency="urgent", location="锦绣花园5栋", grid_id="gh-2-a")
    assert receipt.assignee_names[0] in ("陈静", "杨帆")  # the micro-grid's workers
    worker = "wg_chenjing" if receipt.assignee_names[0] == "陈静" else "wg_yangfan"
    outcome = world.dispatcher.member_text(worker, f"转警 {receipt.ticket_id} 有人拿刀了")
    assert outcome.ok
    world.expect("mj_zhao", "【新工单】")
    with session(world.engine) as db:
        t = db.get(Ticket, receipt.ticket_id)
        active = db.exec(select(Assignment.member_id).where(Assignment.ticket_id == t.id, Assignment.active)).all()
    assert (t.kind, t.route, t.cycle) == ("police", "police", 1)
    assert set(active) == {"mj_zhao", "zb_sun", "zb_he"}


def test_the_reporter_can_cancel_before_acceptance_only(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    outcome = world.dispatcher.cancel(world.resident("王阿姨"), receipt.number)
    assert outcome.ok
    world.expect("wg_li", "【已撤销】")
    assert world.advance("1h") == 0  # a cancelled ticket's deadlines are void
    again = world.report("王阿姨", "锦绣里2栋路灯坏了", category="facility_repair", kind="non_police",
                         location="锦绣里2栋", grid_id="gh-2-b")
    worker = {"黄伟": "wg_huangwei", "徐磊": "wg_xulei"}[again.assignee_names[0]]
    world.dispatcher.member_text(worker, f"接单 {again.ticket_id}")
    refused = world.dispatcher.cancel(world.resident("王阿姨"), again.number)
    assert not refused.ok and "已签收" in refused.message
    assert not world.dispatcher.cancel(world.resident("刘大爷"), again.number).ok  # not theirs


def test_accepted_but_silent_is_reminded_then_taken_back(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.dispatcher.member_text("wg_li", f"接单 {receipt.ticket_id}")
    world.advance("2h")  # close deadline 4h, reminder 2h before it
    world.expect("wg_li", "【办理提醒】")
    world.advance("1h")
    world.expect("wg_li", "【工单收回】")
    with session(world.engine) as db:
        t = db.get(Ticket, receipt.ticket_id)
    assert (t.status, t.cycle) == ("dispatched", 1)


def test_open_tickets_of_a_resident(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    [view] = world.dispatcher.open_tickets(world.resident("王阿姨"))
    assert (view.number, view.status_text, view.assignee_names) == (receipt.number, "已派单", ["李明"])
    assert world.dispatcher.open_tickets(world.resident("刘大爷")) == []
