"""The ladder in detail: who climbs it, who may take over, and a failing rung that holds no one else up."""
from sqlmodel import select

from dispatch import texts
from models import Assignment, AuditLog, Deadline, Escalation, Outbox, Ticket
from models.store import session
from tests.dispatch.test_scenarios import HAZARD


def outbox_rows(world, recipient: str) -> list[Outbox]:
    with session(world.engine) as db:
        return db.exec(select(Outbox).where(Outbox.recipient == recipient).order_by(Outbox.id)).all()


def test_the_grid_leader_takes_over_from_the_alert_with_one_tap(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.advance("15m")
    [alert] = [r for r in outbox_rows(world, "wz_zhang") if "【超时提醒】" in r.payload["text"]]
    assert alert.payload["card"]["buttons"] == [{"key": f"accept:{receipt.ticket_id}", "text": "接手"}]
    assert "已超时0秒" not in alert.payload["text"] and "李明" in alert.payload["text"]

    outcome = world.dispatcher.act("wz_zhang", "accept", receipt.ticket_id)  # 网格长张强 taps 接手

    assert outcome.ok
    world.expect("wg_li", "【已由他人接手】")
    world.expect("王阿姨", "已由张强签收")
    with session(world.engine) as db:
        held = db.exec(select(Assignment.member_id).where(Assignment.ticket_id == receipt.ticket_id,
                                                          Assignment.active)).all()
        took = db.exec(select(AuditLog).where(AuditLog.action == "taken_over")).one()
    assert held == ["wz_zhang"] and took.data["previous"] == ["wg_li"]
    world.advance("4h")
    assert not [t for t in world.inbox_of("mj_zhao") if "仍未签收" in t]  # the accept ladder stopped


def test_a_worker_of_another_grid_cannot_take_over(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    outcome = world.dispatcher.act("wz_zhou", "accept", receipt.ticket_id)  # 周丽 leads gh-2, not gh-1
    assert not outcome.ok and "不是派给您的工单" in outcome.message


def test_a_close_alert_asks_to_press_and_offers_no_take_over(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.dispatcher.member_text("wg_li", f"到场 {receipt.ticket_id}")
    world.advance("4h")
    alert = world.expect("wz_zhang", "仍未办结")
    assert "李明仍未办结" in alert and "请督促李明尽快办结" in alert and "接单" not in alert


def test_a_micro_grid_ticket_goes_to_its_workers_and_up_to_the_parent_grids_leader(world):
    receipt = world.report("王阿姨", "锦绣花园12栋电梯困人了", category="facility_repair", kind="non_police",
                           urgency="urgent", location="锦绣花园12栋", grid_id="gh-2-b")
    assert receipt.assignee_names[0] in ("黄伟", "徐磊")
    world.advance("15m")
    world.expect("wz_zhou", "【超时提醒】")  # 周丽 leads gh-2, the micro-grid's parent


def test_an_emergency_acceptor_is_reminded_halfway_through_the_hour(world):
    receipt = world.report("王阿姨", "翠湖苑2栋有人拿刀砍人", category="violence", kind="police",
                           urgency="emergency", location="翠湖苑2栋", grid_id="gh-3")
    world.dispatcher.member_text("mj_zhao", f"接单 {receipt.ticket_id}")
    assert world.advance("29m") == 0
    world.advance("1m")  # close within 1 h, reminder 2 h ahead: halfway instead
    world.expect("mj_zhao", "【办理提醒】")
    world.dispatcher.member_text("mj_zhao", f"到场 {receipt.ticket_id}")
    world.advance("1h")
    assert not world.inbox_of("mj_zhao")[-1].startswith("【工单收回】")  # 到场 answered the reminder


def test_a_failing_rung_is_retried_without_holding_up_the_others(world, monkeypatch):
    first = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.report("刘大爷", "翠湖苑门口井盖丢了", category="facility_repair", kind="non_police",
                 urgency="urgent", location="翠湖苑门口", grid_id="gh-3")
    real = texts.overdue_alert

    def broken_for_the_first(ticket, *args):
        if ticket.id == first.ticket_id:
            raise RuntimeError("template bug")
        return real(ticket, *args)

    monkeypatch.setattr(texts, "overdue_alert", broken_for_the_first)
    assert world.advance("15m") == 1
    world.expect("wz_ma", "【超时提醒】")  # 马建国, the second ticket's leader
    assert world.inbox_of("wz_zhang") == []
    with session(world.engine) as db:
        retry = db.exec(select(Deadline).where(Deadline.ticket_id == first.ticket_id, Deadline.kind == "accept",
                                               Deadline.level == 0)).one()
    assert retry.status == "pending"  # back in the queue, not lost
    monkeypatch.setattr(texts, "overdue_alert", real)
    assert world.advance("30s") == 1
    world.expect("wz_zhang", "【超时提醒】")
    with session(world.engine) as db:
        assert len(db.exec(select(Escalation)).all()) == 2


def test_a_deadline_of_an_earlier_cycle_does_nothing(world):
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.dispatcher.supervise("sz_chen", "reassign", receipt.ticket_id, member="wg_liutao")
    with session(world.engine) as db:
        ticket = db.get(Ticket, receipt.ticket_id)
        old = db.exec(select(Deadline).where(Deadline.ticket_id == ticket.id, Deadline.cycle == 0)).all()
    assert ticket.cycle == 1 and {d.status for d in old} == {"void"}
    world.advance("15m")
    with session(world.engine) as db:
        assert db.exec(select(Escalation.cycle)).all() == [1]


def test_a_rung_already_climbed_is_not_climbed_again(world):
    """Two deadline rows for one rung (a retried claim, a stale copy): UNIQUE lets one through."""
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    assert world.advance("15m") == 1
    with session(world.engine) as db:
        db.add(Deadline(ticket_id=receipt.ticket_id, kind="accept", level=0, cycle=0, due_at=world.clock.now(),
                        status="pending", data={}))
        db.commit()
    assert world.advance("1s") == 0
    assert len([t for t in world.inbox_of("wz_zhang") if "【超时提醒】" in t]) == 1
