"""Recurring duties with the fake clock: visits, lapses, duties on school days, digests once."""
from sqlmodel import select

from duties.register import sync_register
from duties.runner import Duties
from duties.visits import visit_command
from models import Outbox, ScheduleRun, Ticket, Visit
from models.store import session
from tests.dispatch.conftest import World


def setup_world(settings, engine, clock):
    world = World(settings, engine, clock)
    sync_register(engine, settings, clock.now())
    world.dispatcher.on_member_text(visit_command(world.dispatcher, engine, clock))
    return world, duties_of(world, settings)


def duties_of(world, settings) -> Duties:
    return Duties(world.dispatcher, settings, world.engine, world.dispatcher.deps.calendar, "test")


def visit_tasks(engine, person_id: str) -> list[Ticket]:
    with session(engine) as db:
        return [t for t in db.exec(select(Ticket).where(Ticket.category == "visit")).all()
                if t.triage.get("source") == f"watch:{person_id}"]


def test_a_lapsed_interval_creates_exactly_one_visit_task_that_escalates(settings, engine, clock):
    world, duties = setup_world(settings, engine, clock)
    clock.advance("1d23h")
    duties.step(clock.now())
    assert visit_tasks(engine, "w-wang") == []
    clock.advance("1h")  # two days since 王秀英 was last seen
    duties.step(clock.now())
    duties.step(clock.now())
    [task] = visit_tasks(engine, "w-wang")
    assert task.status == "dispatched" and "王秀英" in task.text
    world.expect("wg_li", "【两天必见面】")
    world.advance("15m")
    world.expect("wz_zhang", "【超时提醒】")  # the same ladder as any ticket


def test_a_recorded_visit_closes_the_task_and_resets_the_interval(settings, engine, clock):
    world, duties = setup_world(settings, engine, clock)
    clock.advance("2d")
    duties.step(clock.now())
    outcome = world.dispatcher.member_text("wg_li", "见面 王奶奶 身体挺好 饭也吃了")
    assert outcome.ok and "已记录与王秀英见面" in outcome.message
    [task] = visit_tasks(engine, "w-wang")
    with session(engine) as db:
        assert db.get(Ticket, task.id).status == "resolved"
        assert db.exec(select(Visit)).one().note == "身体挺好 饭也吃了"
    clock.advance("1d23h")
    duties.step(clock.now())
    assert len(visit_tasks(engine, "w-wang")) == 1  # the interval restarted at the visit
    assert not world.dispatcher.member_text("wg_li", "见面 张三").ok


def test_a_school_day_duty_fires_once_and_a_holiday_skips_it(settings, engine, clock):
    world, duties = setup_world(settings, engine, clock)
    clock.set(clock.now().replace(hour=23, minute=35))  # 07:35 on Wednesday 2026-11-25 in Shanghai
    duties.step(clock.now())
    duties.step(clock.now())
    with session(engine) as db:
        runs = db.exec(select(ScheduleRun).where(ScheduleRun.schedule == "duty:school-gate")).all()
    assert [r.slot for r in runs] == ["2026-11-25T07:30"]
    world.expect("wg_tangli", "柳溪小学护学岗")
    from datetime import datetime, timezone
    clock.set(datetime(2026, 10, 1, 23, 35, tzinfo=timezone.utc))  # 07:35 on 2 October: National Day holiday
    duties.step(clock.now())
    with session(engine) as db:
        assert len(db.exec(select(ScheduleRun).where(ScheduleRun.schedule == "duty:school-gate")).all()) == 1


def test_the_daily_digest_goes_once_per_supervisor_even_with_two_instances(settings, engine, clock):
    world, first = setup_world(settings, engine, clock)
    world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", category="safety_hazard", kind="non_police",
                 urgency="urgent", location="桂花苑3栋楼道", grid_id="gh-1")
    second = duties_of(World(settings, engine, clock), settings)
    clock.set(clock.now().replace(hour=0, minute=5))  # 08:05 in Shanghai
    assert first.step(clock.now()) >= 2
    second.step(clock.now())
    first.step(clock.now())
    with session(engine) as db:
        digests = db.exec(select(Outbox).where(Outbox.idem_key.like("digest:%"))).all()
    assert sorted(d.recipient for d in digests) == ["sz_chen", "sz_lin"]
    # the report, today's school-gate duty and Monday's venue check (still inside its 2-day window)
    assert "新增 3 件" in digests[0].payload["text"] and "桂花社区第一网格 1" in digests[0].payload["text"]


def test_a_store_that_never_held_a_ticket_pushes_no_report(settings, engine, clock):
    world, duties = setup_world(settings, engine, clock)
    clock.set(clock.now().replace(day=1, hour=1))  # 09:00 on 1 November, a Sunday: digest and ranking due
    duties.step(clock.now())
    with session(engine) as db:
        assert db.exec(select(Outbox)).all() == []
        assert {r.schedule.split(":")[0] for r in db.exec(select(ScheduleRun)).all()} == {"digest", "ranking"}
    world.report("王阿姨", "桂花苑3栋楼道有人给电瓶车充电", category="safety_hazard", kind="non_police",
                 urgency="urgent", location="桂花苑3栋楼道", grid_id="gh-1")
    clock.advance("1d")
    duties.step(clock.now())
    with session(engine) as db:
        assert len(db.exec(select(Outbox).where(Outbox.idem_key.like("digest:%"))).all()) == 2


def test_a_residents_report_about_a_watched_person_links_to_the_register(settings, engine, clock):
    from duties.linking import register_link
    from models import AuditLog
    world, _ = setup_world(settings, engine, clock)
    world.dispatcher.on_submitted(register_link(world.dispatcher, engine, clock))
    receipt = world.report("邻居小刘", "桂花苑3栋1单元的独居老人王奶奶两天没见人了 敲门没人应", category="elderly_care",
                           kind="non_police", urgency="urgent", location="桂花苑3栋1单元", grid_id="gh-1")
    world.expect("wg_li", "与王秀英（桂花苑3栋1单元102）有关")
    with session(engine) as db:
        linked = db.exec(select(AuditLog).where(AuditLog.action == "linked_register")).one()
    assert linked.ticket_id == receipt.ticket_id and linked.data["person_id"] == "w-wang"


def test_a_failing_duty_backs_off_and_is_logged_once_per_try(settings, engine, clock, monkeypatch, caplog):
    import logging

    world, duties = setup_world(settings, engine, clock)
    tries = []

    def broken(*_args, source, **_kwargs):
        if source == "duty:school-gate":
            tries.append(clock.now())
        raise RuntimeError("assignee table unreadable")
    working = world.dispatcher.create_task
    monkeypatch.setattr(world.dispatcher, "create_task", broken)
    clock.set(clock.now().replace(hour=23, minute=35))  # 07:35 on a school day: the school-gate duty is due
    caplog.set_level(logging.INFO, logger="duties.runner")
    start = clock.now()
    for _ in range(80):  # 80 ticks, one a second
        duties.step(clock.now())
        clock.advance("1s")
    assert [int((t - start).total_seconds()) for t in tries] == [0, 10, 30, 70]  # pauses of 10, 20, 40 s
    records = [r for r in caplog.records if "school-gate" in getattr(r, "key", "")]
    assert len(records) == 4 and records[0].exc_info is not None  # the traceback once
    assert all(r.exc_info is None and "assignee table unreadable" in r.error for r in records[1:])
    monkeypatch.setattr(world.dispatcher, "create_task", working)
    clock.advance("80s")  # the next pause (80 s) is over
    assert duties.step(clock.now()) == 2  # the school-gate duty, and the weekly venue check that failed alike
    world.expect("wg_tangli", "柳溪小学护学岗")
    assert [r.getMessage() for r in caplog.records if getattr(r, "key", "") == "duty:school-gate"][-1] == "recovered"


def test_the_digests_are_dated_in_the_configured_timezone(engine):
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from reports.digest import daily_digest, weekly_summary
    evening_in_new_york = datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc)  # already the 25th in Shanghai
    with session(engine) as db:
        assert daily_digest(db, evening_in_new_york, ZoneInfo("America/New_York")).startswith("【网格哨日报】2026-11-24")
        assert "截至 2026-11-25" in weekly_summary(db, evening_in_new_york, ZoneInfo("Asia/Shanghai"))
