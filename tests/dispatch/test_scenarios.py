"""Stories from the articles: 网格吹哨，部门报到."""
from sqlmodel import select

from models import AuditLog, Escalation, Feedback, Ticket, TicketReporter
from models.store import session

HAZARD = dict(category="safety_hazard", kind="non_police", urgency="urgent", location="桂花苑3栋楼道", grid_id="gh-1")


def ticket(world, ticket_id) -> Ticket:
    with session(world.engine) as db:
        return db.get(Ticket, ticket_id)


def test_a_report_is_pushed_to_the_grid_worker_with_its_number(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电 线拖了一地", **HAZARD)
    assert receipt.route == "grid" and receipt.assignee_names == ["李明"]
    assert receipt.number == f"GW-20261124-{receipt.ticket_id:04d}"
    task = world.expect("wg_li", "【新工单】")
    assert receipt.number in task and "安全隐患" in task and "桂花苑3栋楼道" in task
    assert f"接单 {receipt.ticket_id}" in task and "15分钟内签收" in task
    assert ticket(world, receipt.ticket_id).status == "dispatched"


def test_no_acceptance_climbs_the_ladder_until_someone_accepts(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    assert world.advance("14m") == 0
    assert world.inbox_of("wz_zhang") == []
    assert world.advance("1m") == 1
    alert = world.expect("wz_zhang", "【超时提醒】")
    assert receipt.number in alert and "仍未签收" in alert and "李明" in alert
    world.advance("15m")  # 30 minutes: officer and instructor
    world.expect("mj_zhao", "【超时提醒】")
    world.expect("zd_wu", "【超时提醒】")
    outcome = world.dispatcher.member_text("wg_li", f"接单 {receipt.ticket_id}")
    assert outcome.ok and "已签收" in outcome.message
    world.advance("2h")
    assert world.inbox_of("sz_chen") == []  # acceptance stopped the accept ladder
    with session(world.engine) as db:
        levels = db.exec(select(Escalation.kind, Escalation.level)
                         .where(Escalation.ticket_id == receipt.ticket_id)).all()
    assert sorted(levels) == [("accept", 0), ("accept", 1)]
    world.expect("王阿姨", "已由李明签收")


def test_the_top_of_the_ladder_alerts_supervisors_and_repeats(world):
    world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.advance("1h")
    press = world.expect("sz_chen", "【督办】")
    assert "超时45分钟" in press
    world.expect("supervisors", "【督办】")
    world.advance("1h")
    assert len([t for t in world.inbox_of("sz_chen") if "【督办】" in t]) == 2


def test_resolution_tells_the_reporter_and_asks_for_followup(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.dispatcher.member_text("wg_li", f"接单 {receipt.ticket_id}")
    outcome = world.dispatcher.member_text("wg_li", f"办结 {receipt.ticket_id} 已劝离，电瓶车已移走")
    assert outcome.ok
    world.expect("王阿姨", "已办结：已劝离，电瓶车已移走")
    world.advance("1h")
    world.expect("王阿姨", "满意吗")
    answer = world.dispatcher.feedback(world.resident("王阿姨"), True)
    assert answer.ok and ticket(world, receipt.ticket_id).status == "closed"


def test_unsatisfied_reopens_and_dispatches_again(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.dispatcher.member_text("wg_li", f"接单 {receipt.ticket_id}")
    world.dispatcher.member_text("wg_li", f"办结 {receipt.ticket_id} 已处理")
    answer = world.dispatcher.feedback(world.resident("王阿姨"), False, "车还在楼道里")
    assert answer.ok and "重新派单" in answer.message
    reopened = ticket(world, receipt.ticket_id)
    assert (reopened.status, reopened.cycle) == ("dispatched", 1)
    with session(world.engine) as db:
        feedback = db.exec(select(Feedback)).one()
        actions = db.exec(select(AuditLog.action).where(AuditLog.ticket_id == receipt.ticket_id)
                          .order_by(AuditLog.id)).all()
    assert (feedback.satisfied, feedback.reason) == (False, "车还在楼道里")
    assert actions == ["reported", "dispatched", "accepted", "resolved", "reopened", "dispatched"]
    world.advance("15m")  # the new cycle has its own ladder
    assert any("【超时提醒】" in t for t in world.inbox_of("wz_zhang"))


def test_a_police_matter_goes_to_the_officer_and_the_duty_desk(world):
    receipt = world.report("王阿姨", "锦绣花园门口有人在打架", category="violence", kind="police",
                           urgency="urgent", location="锦绣花园门口", grid_id="gh-2")
    assert receipt.route == "police" and receipt.assignee_names == ["赵警官"]
    world.expect("mj_zhao", "【新工单】")
    world.expect("zb_sun", "【抄送】")
    world.expect("zb_he", "【抄送】")
    assert world.inbox_of("wg_chenjing") == []


def test_an_emergency_pages_the_duty_officer_at_once(world):
    receipt = world.report("王阿姨", "翠湖苑2栋有人拿刀砍人 快来", category="violence", kind="police",
                           urgency="emergency", location="翠湖苑2栋", grid_id="gh-3")
    assert receipt.emergency
    world.expect("zb_sun", "【紧急警情】")


def test_off_hours_everything_goes_to_police_duty_then_back_to_the_grid(world, clock):
    clock.set(clock.now().replace(hour=13))  # 21:00 in Shanghai
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    assert receipt.route == "duty_offhours" and receipt.assignee_names == ["孙警官"]
    assert world.inbox_of("wg_li") == []
    world.advance("11h30m")  # 08:30 next morning: handed back to the grid
    world.expect("wg_li", "【新工单】")
    assert ticket(world, receipt.ticket_id).route == "grid"


def test_a_duplicate_merges_and_every_reporter_hears(world):
    first = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电 好危险", **HAZARD)
    second = world.report("刘大爷", "桂花苑3栋楼道有人充电瓶车", **HAZARD)
    assert second.merged and second.ticket_id == first.ticket_id and second.number == first.number
    world.expect("wg_li", "同一事项又有居民反映")
    with session(world.engine) as db:
        assert len(db.exec(select(TicketReporter).where(TicketReporter.ticket_id == first.ticket_id)).all()) == 2
        assert len(db.exec(select(Ticket)).all()) == 1
    world.dispatcher.member_text("wg_li", f"接单 {first.ticket_id}")
    world.dispatcher.member_text("wg_li", f"办结 {first.ticket_id} 已处理")
    world.expect("王阿姨", "已办结")
    world.expect("刘大爷", "已办结")


def test_a_returned_ticket_reaches_a_supervisor_and_the_clock_keeps_running(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    outcome = world.dispatcher.member_text("wg_li", f"退单 {receipt.ticket_id} 不属本网格")
    assert outcome.ok
    world.expect("sz_chen", "【退单待裁定】")
    world.advance("15m")
    world.expect("wz_zhang", "【超时提醒】")


def test_unknown_place_goes_to_the_human_triage_queue(world):
    receipt = world.report("王阿姨", "这边有人乱倒垃圾", category="sanitation", kind="non_police")
    assert receipt.route == "triage"
    world.expect("zb_sun", "【新工单】")
    assert "10分钟内签收" in world.expect("zb_he", "【新工单】")
    world.advance("10m")
    world.expect("sz_chen", "【督办】")
    outcome = world.dispatcher.member_text("zb_he", f"转派 {receipt.ticket_id} 桂花社区第三网格")
    assert outcome.ok
    world.expect("wg_guomin", "【新工单】")
