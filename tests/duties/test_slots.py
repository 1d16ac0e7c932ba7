"""Schedule slots: school days, holidays, weekly days, catch-up after downtime, no late creation."""
from datetime import datetime
from zoneinfo import ZoneInfo

from core.config_duties import Duty, SchoolBreak
from core.durations import parse_duration
from core.workcal import WorkCalendar
from duties.slots import due_daily, due_duty_slots, due_monthly, due_weekly

SH = ZoneInfo("Asia/Shanghai")
cal = WorkCalendar([("08:30", "12:00"), ("13:30", "18:00")])
gate = Duty(id="school-gate", name="护学岗", grid="lx-1", assignee="wg_tangli", days="school",
            times=["07:30", "16:30"], deadline=parse_duration("45m"))
breaks = [SchoolBreak(start="2026-07-04", end="2026-08-31")]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def test_a_school_day_duty_is_due_at_its_time_and_until_its_deadline():
    assert due_duty_slots(gate, at("2026-11-24 07:29"), cal, breaks) == []
    [slot] = due_duty_slots(gate, at("2026-11-24 07:30"), cal, breaks)
    assert (slot.schedule, slot.slot, slot.due_at) == ("duty:school-gate", "2026-11-24T07:30", at("2026-11-24 07:30"))
    assert due_duty_slots(gate, at("2026-11-24 08:14"), cal, breaks)[0].slot == "2026-11-24T07:30"
    assert due_duty_slots(gate, at("2026-11-24 08:15"), cal, breaks) == []  # window over: not created late


def test_a_holiday_skips_a_school_day_duty():
    assert due_duty_slots(gate, at("2026-10-02 07:40"), cal, breaks) == []  # National Day
    assert due_duty_slots(gate, at("2026-11-28 07:40"), cal, breaks) == []  # Saturday
    assert due_duty_slots(gate, at("2026-08-10 07:40"), cal, breaks) == []  # summer break, a Monday
    assert len(due_duty_slots(gate, at("2026-10-10 07:40"), cal, breaks)) == 1  # 调休 Saturday is a school day


def test_a_weekly_duty_runs_on_its_days_and_catches_up_within_its_deadline():
    check = Duty(id="venue", name="九小场所检查", grid="gh-3", assignee="wg_guomin", days=["mon"],
                 times=["09:00"], deadline=parse_duration("2d"))
    assert due_duty_slots(check, at("2026-11-23 08:59"), cal, []) == []
    assert [s.slot for s in due_duty_slots(check, at("2026-11-24 15:00"), cal, [])] == ["2026-11-23T09:00"]
    assert due_duty_slots(check, at("2026-11-25 09:00"), cal, []) == []


def test_daily_weekly_and_monthly_report_slots():
    assert due_daily("digest:sz_chen", "08:00", at("2026-11-24 07:59"), SH) is None
    assert due_daily("digest:sz_chen", "08:00", at("2026-11-24 09:30"), SH).slot == "2026-11-24"
    assert due_daily("digest:sz_chen", "08:00", at("2026-11-24 20:01"), SH) is None
    assert due_weekly("weekly:sz_chen", "mon", "08:30", at("2026-11-23 08:31"), SH).slot == "2026-W48"
    assert due_weekly("weekly:sz_chen", "mon", "08:30", at("2026-11-24 08:31"), SH) is None
    assert due_monthly("ranking", "09:00", at("2026-12-01 09:05"), SH).slot == "2026-11"
    assert due_monthly("ranking", "09:00", at("2026-12-01 08:59"), SH) is None
    assert due_monthly("ranking", "09:00", at("2026-12-03 23:59"), SH).slot == "2026-11"  # made up after an outage
    assert due_monthly("ranking", "09:00", at("2026-12-04 00:00"), SH) is None
