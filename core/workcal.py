"""The 8-hour working day: statutory holidays and 调休 working days from chinese-calendar."""
import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

log = logging.getLogger(__name__)


class WorkCalendar:
    """Answers 'is this a working moment?' and 'when does the next working period start?'."""

    def __init__(self, periods: list[tuple[str, str]], calendar: str = "chinese", tz: str = "Asia/Shanghai"):
        self.periods = [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in periods]
        self.calendar = calendar
        self.tz = ZoneInfo(tz)
        self._warned_years: set[int] = set()

    def is_workday(self, day: date) -> bool:
        """A working day: Mon-Fri, minus statutory holidays, plus 调休 Saturdays/Sundays."""
        if self.calendar == "chinese":
            try:
                return bool(chinese_calendar.is_workday(day))
            except NotImplementedError:
                # The library covers years once the State Council publishes them; until an
                # upgrade, fall back to Mon-Fri and say so once per year.
                if day.year not in self._warned_years:
                    self._warned_years.add(day.year)
                    log.warning("no holiday data for %s; using Mon-Fri", day.year)
        return day.weekday() < 5

    def is_working_time(self, moment: datetime) -> bool:
        """True inside a working period of a working day."""
        local = moment.astimezone(self.tz)
        if not self.is_workday(local.date()):
            return False
        return any(start <= local.time() < end for start, end in self.periods)

    def next_start(self, moment: datetime) -> datetime:
        """The start of the first working period after `moment` (UTC-aware)."""
        local = moment.astimezone(self.tz)
        day = local.date()
        for _ in range(40):  # the longest Chinese holiday with weekends is well under 40 days
            if self.is_workday(day):
                for start, _end in self.periods:
                    candidate = datetime.combine(day, start, self.tz)
                    if candidate > local:
                        return candidate.astimezone(moment.tzinfo)
            day += timedelta(days=1)
        raise RuntimeError("no working day within 40 days; check working_hours")
