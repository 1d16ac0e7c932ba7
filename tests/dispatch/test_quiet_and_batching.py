"""Alerts people can live with: quiet hours, one push per person per window, group or personal."""
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from models import EscalationNotice, Outbox
from models.store import session
from tests.dispatch.test_scenarios import HAZARD

SHANGHAI = ZoneInfo("Asia/Shanghai")


def escalation_pushes(world, who: str) -> list[Outbox]:
    with session(world.engine) as db:
        return db.exec(select(Outbox).where(Outbox.recipient == who, Outbox.idem_key.like("esc:%"))
                       .order_by(Outbox.id)).all()


def local_hour(row: Outbox) -> int:
    return row.created_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(SHANGHAI).hour


def at(clock, when: str) -> None:
    clock.set(datetime.fromisoformat(f"2026-11-24T{when}:00+08:00"))


def test_non_emergency_alerts_wait_for_the_end_of_quiet_hours_as_one_summary(world, clock):
    at(clock, "21:50")
    first = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    second = world.report("刘大爷", "桂花路口井盖丢了", category="facility_repair", kind="non_police",
                          urgency="urgent", location="桂花路口", grid_id="gh-1")
    for _ in range(9 * 6):  # every 10 minutes through the night, to 06:50
        world.advance("10m")
    assert [r.payload["text"] for who in ("wz_zhang", "mj_zhao", "sz_chen", "supervisors")
            for r in escalation_pushes(world, who)] == []
    world.advance("10m")  # 07:00
    [summary] = escalation_pushes(world, "wz_zhang")
    text = summary.payload["text"]
    assert text.startswith("【夜间督办汇总】夜间暂缓推送的 2 件工单超时")
    assert first.number in text and second.number in text and "孙警官仍未签收：派单已9小时10分钟" in text
    [chen] = escalation_pushes(world, "sz_chen")
    assert "2 件工单超时" in chen.payload["text"] and local_hour(chen) == 7
    assert len(escalation_pushes(world, "supervisors")) == 1  # 林教导员 is reached through the group
    assert escalation_pushes(world, "sz_lin") == []


def test_an_emergency_goes_through_quiet_hours_at_once(world, clock):
    at(clock, "23:00")
    receipt = world.report("王阿姨", "翠湖苑2栋有人拿刀砍人", category="violence", kind="police",
                           urgency="emergency", location="翠湖苑2栋", grid_id="gh-3")
    assert receipt.assignee_names == ["孙警官"]  # the duty officer at night
    world.advance("3m")
    [alert] = escalation_pushes(world, "mj_zhao")  # the village officer; the duty officer is the one late
    assert "孙警官仍未签收" in alert.payload["text"] and local_hour(alert) == 23
    assert escalation_pushes(world, "zb_sun") == []


def test_one_push_per_person_per_window_listing_every_ticket_newly_overdue(world):
    tickets = []
    for place, what in (("桂花苑1栋", "消防通道被堵死了"), ("桂花苑5栋", "楼道里堆满纸箱"), ("桂花苑9栋", "电线裸露在外")):
        tickets.append(world.report("王阿姨", place + what, **{**HAZARD, "location": place}))
        world.advance("3m")
    world.advance("6m")  # 10:15: the first ticket's accept deadline
    [first] = escalation_pushes(world, "wz_zhang")
    assert first.payload["text"].startswith("【超时提醒】" + tickets[0].number)
    world.advance("3m")
    world.advance("3m")  # 10:21: the other two are due, held for 张强's window
    assert len(escalation_pushes(world, "wz_zhang")) == 1
    world.advance("4m")  # 10:25
    second = escalation_pushes(world, "wz_zhang")[-1].payload["text"]
    assert second.startswith("【督办汇总】2 件工单超时")
    assert tickets[1].number in second and tickets[2].number in second and tickets[0].number not in second


def test_a_ticket_accepted_while_its_alert_waited_is_left_out(world):
    first = world.report("王阿姨", "桂花苑1栋门口消防通道被堵死了", **{**HAZARD, "location": "桂花苑1栋"})
    world.advance("5m")
    second = world.report("刘大爷", "桂花苑9栋门口井盖丢了", category="facility_repair", kind="non_police",
                          urgency="urgent", location="桂花苑9栋", grid_id="gh-1")
    world.advance("10m")  # 10:15: the first alert goes at once
    world.advance("5m")  # 10:20: the second is held for the window
    worker = {"李明": "wg_li", "王芳": "wg_wangfang", "刘涛": "wg_liutao"}[second.assignee_names[0]]
    assert world.dispatcher.member_text(worker, f"接单 {second.ticket_id}").ok
    world.advance("5m")
    assert len(escalation_pushes(world, "wz_zhang")) == 1
    with session(world.engine) as db:
        held = db.exec(select(EscalationNotice).where(EscalationNotice.ticket_id == second.ticket_id)).one()
    assert held.status == "dropped" and first.ticket_id != second.ticket_id


def test_supervisors_are_reached_through_the_group_or_personally_never_both(world, settings):
    world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.advance("1h")
    assert "【督办】" in escalation_pushes(world, "sz_chen")[0].payload["text"]
    assert "【督办】" in escalation_pushes(world, "supervisors")[0].payload["text"]
    assert escalation_pushes(world, "sz_lin") == []
    personal = settings.escalation.model_copy(update={"reach_by_group": []})
    world.dispatcher.deps.settings = settings.model_copy(update={"escalation": personal})
    world.report("刘大爷", "翠湖苑门口井盖丢了", category="facility_repair", kind="non_police",
                 urgency="urgent", location="翠湖苑门口", grid_id="gh-3")
    world.advance("1h")
    [lin] = escalation_pushes(world, "sz_lin")  # both tickets' 督办 at 12:00, now to him personally
    assert lin.payload["text"].startswith("【督办汇总】2 件工单超时")
    assert len(escalation_pushes(world, "supervisors")) == 1  # and no longer to the group


def test_repeat_reminders_wait_for_the_repeat_interval_and_go_together(world):
    first = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.advance("30m")
    second = world.report("刘大爷", "翠湖苑门口井盖丢了", category="facility_repair", kind="non_police",
                          urgency="urgent", location="翠湖苑门口", grid_id="gh-3")
    for _ in range(6):
        world.advance("10m")  # 10:40 ... 11:30
    assert [local_minute(r) for r in escalation_pushes(world, "sz_chen")] == ["11:00", "11:30"]
    for _ in range(6):
        world.advance("10m")  # ... 12:30: the first ticket's repeat (12:00) waited for 陈所长's hour
    pushes = escalation_pushes(world, "sz_chen")
    assert [local_minute(r) for r in pushes] == ["11:00", "11:30", "12:30"]
    assert pushes[-1].payload["text"].startswith("【督办汇总】2 件工单超时")
    assert first.number in pushes[-1].payload["text"] and second.number in pushes[-1].payload["text"]


def local_minute(row: Outbox) -> str:
    return row.created_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(SHANGHAI).strftime("%H:%M")
