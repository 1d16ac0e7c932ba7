"""Who gets a report: the hour, the calendar (holidays, 调休), police or not, and how sure triage is."""
from contextlib import contextmanager
from datetime import datetime

from sqlmodel import select

from models import Assignment, Deadline, Member, Ticket, TicketReporter
from models.store import session
from tests.dispatch.test_scenarios import HAZARD

FIGHT = dict(category="violence", kind="police", urgency="urgent", location="锦绣花园门口", grid_id="gh-2")


def at(clock, local: str) -> None:
    clock.set(datetime.fromisoformat(local + "+08:00"))


def active(world, ticket_id) -> dict[str, str]:
    with session(world.engine) as db:
        rows = db.exec(select(Assignment).where(Assignment.ticket_id == ticket_id, Assignment.active)).all()
    return {a.member_id: a.role for a in rows}


def test_a_police_matter_at_night_goes_to_the_duty_officer_and_the_village_officer_is_told(world, clock):
    at(clock, "2026-11-24T23:10:00")
    receipt = world.report("王阿姨", "锦绣花园门口有人打架", **FIGHT)
    assert (receipt.route, receipt.assignee_names) == ("duty_offhours", ["孙警官"])
    assert active(world, receipt.ticket_id) == {"zb_sun": "primary", "mj_zhao": "cc", "zb_he": "cc"}
    world.expect("mj_zhao", "【抄送】")


def test_a_statutory_holiday_is_off_hours_and_the_grid_gets_it_back_after_the_holiday(world, clock):
    at(clock, "2026-10-03T10:00:00")  # 国庆 holiday, a Saturday
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    assert receipt.route == "duty_offhours"
    with session(world.engine) as db:
        handback = db.exec(select(Deadline).where(Deadline.kind == "handback")).one()
    assert handback.due_at.replace(tzinfo=None) == datetime(2026, 10, 8, 0, 30)  # Thu 08:30 Shanghai
    at(clock, "2026-10-08T08:30:00")
    world.dispatcher.tick(clock.now())
    world.expect("wg_li", "【新工单】")


def test_a_working_saturday_tiaoxiu_goes_to_the_grid(world, clock):
    at(clock, "2026-10-10T10:00:00")  # 调休: a Saturday that is a working day
    assert world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD).route == "grid"


def test_a_matter_the_night_duty_accepted_stays_with_them_in_the_morning(world, clock):
    at(clock, "2026-11-24T21:00:00")
    receipt = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    world.dispatcher.member_text("zb_sun", f"接单 {receipt.ticket_id}")
    at(clock, "2026-11-25T08:31:00")
    world.dispatcher.tick(clock.now())
    assert world.inbox_of("wg_li") == []
    with session(world.engine) as db:
        assert db.get(Ticket, receipt.ticket_id).route == "duty_offhours"


def test_low_confidence_goes_to_the_triage_queue_even_with_a_known_place(world):
    receipt = world.report("王阿姨", "桂花苑那边好像有点问题", **{**HAZARD, "confidence": 0.3})
    assert receipt.route == "triage"
    assert "10分钟内签收" in world.expect("zb_sun", "【新工单】")


def test_an_unsure_police_emergency_is_not_held_for_triage(world):
    receipt = world.report("王阿姨", "翠湖苑好像有人拿刀", category="violence", kind="police", urgency="emergency",
                           location="翠湖苑", grid_id="gh-3", needs_human=True)
    assert receipt.route == "police" and receipt.emergency
    world.expect("zb_sun", "【紧急警情】")


LITTER = ["垃圾桶满了没人清运", "有人乱倒建筑垃圾", "绿化带里堆满塑料袋", "下水道口堵了发臭", "楼下狗屎没人管",
          "小广告贴满单元门"]


def sanitation(world, i: int):
    return world.report(f"居民{i}", f"桂花苑{i}栋{LITTER[i % len(LITTER)]}", category="sanitation",
                        kind="non_police", location=f"桂花苑{i}栋", grid_id="gh-1")


def test_least_open_load_first_then_round_robin(world):
    first = [sanitation(world, i).assignee_names[0] for i in range(3)]
    assert first == ["李明", "王芳", "刘涛"]
    world.dispatcher.member_text("wg_wangfang", "接单 2")
    world.dispatcher.member_text("wg_wangfang", "办结 2 已清运")  # 王芳 now has the least open load
    assert sanitation(world, 3).assignee_names == ["王芳"]
    assert [sanitation(world, i).assignee_names[0] for i in (4, 5)] == ["李明", "刘涛"]  # then the longest idle


def test_an_off_duty_worker_gets_nothing(world):
    with off_duty(world.engine, "wg_li"):
        assert {sanitation(world, i).assignee_names[0] for i in range(4)} == {"王芳", "刘涛"}


@contextmanager
def off_duty(engine, member_id: str):
    """The member is off duty for the block; the directory rows are shared by the PostgreSQL tests."""
    def set_on_duty(value: bool) -> None:
        with session(engine) as db:
            db.get(Member, member_id).on_duty = value
            db.commit()
    set_on_duty(False)
    try:
        yield
    finally:
        set_on_duty(True)


def test_two_different_problems_at_the_same_place_are_two_tickets(world):
    first = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", **HAZARD)
    second = world.report("刘大爷", "桂花苑3栋楼道消防通道被杂物堵死了", **HAZARD)
    assert not second.merged and second.ticket_id != first.ticket_id


def test_one_of_two_reporters_withdraws_and_the_ticket_stays_open_for_the_other(world):
    first = world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电 好危险", **HAZARD)
    world.report("刘大爷", "桂花苑3栋楼道有人充电瓶车", **HAZARD)
    outcome = world.dispatcher.cancel(world.resident("王阿姨"), first.number)
    assert outcome.ok and "继续办理" in outcome.message
    with session(world.engine) as db:
        assert db.get(Ticket, first.ticket_id).status == "dispatched"
        reporters = db.exec(select(TicketReporter.resident_id).where(TicketReporter.ticket_id == first.ticket_id)).all()
    assert reporters == [world.resident("刘大爷")]
    assert world.dispatcher.cancel(world.resident("刘大爷"), first.number).ok
    with session(world.engine) as db:
        assert db.get(Ticket, first.ticket_id).status == "cancelled"
