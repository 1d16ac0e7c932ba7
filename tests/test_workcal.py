"""The working day: periods, weekends, statutory holidays and 调休 working days."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.workcal import WorkCalendar

SH = ZoneInfo("Asia/Shanghai")
cal = WorkCalendar([("08:30", "12:00"), ("13:30", "18:00")], "chinese", "Asia/Shanghai")


@pytest.mark.parametrize("moment, working", [
    ("2026-11-24 10:00", True),   # Tuesday morning
    ("2026-11-24 12:30", False),  # lunch break
    ("2026-11-24 18:00", False),  # end of day is outside
    ("2026-11-24 07:59", False),
    ("2026-11-28 10:00", False),  # Saturday
    ("2026-10-01 10:00", False),  # National Day
    ("2026-10-05 10:00", False),  # inside the Golden Week holiday
])
def test_it_knows_working_time(moment, working):
    assert cal.is_working_time(datetime.fromisoformat(moment).replace(tzinfo=SH)) is working


def test_a_make_up_saturday_is_a_working_day():
    # 2026-09-20 (Sunday) and 2026-10-10 (Saturday) are 调休 working days.
    assert cal.is_workday(datetime(2026, 10, 10).date())
    assert cal.is_working_time(datetime(2026, 10, 10, 9, 0, tzinfo=SH))


def test_next_start_skips_nights_weekends_and_holidays():
    friday_night = datetime(2026, 11, 27, 20, 0, tzinfo=SH)
    assert cal.next_start(friday_night) == datetime(2026, 11, 30, 8, 30, tzinfo=SH)
    lunch = datetime(2026, 11, 24, 12, 15, tzinfo=SH)
    assert cal.next_start(lunch) == datetime(2026, 11, 24, 13, 30, tzinfo=SH)
    golden_week = datetime(2026, 10, 2, 9, 0, tzinfo=SH)
    assert cal.next_start(golden_week).date() == datetime(2026, 10, 8).date()


def test_a_year_without_holiday_data_falls_back_to_weekdays(caplog):
    assert cal.is_workday(datetime(2027, 3, 3).date())  # a Wednesday
    assert not cal.is_workday(datetime(2027, 3, 6).date())  # a Saturday
    assert "no holiday data for 2027" in caplog.text
