"""Quiet hours: when non-emergency escalations wait, and when the wait ends (local time)."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.settings import Settings


class QuietHours:
    """A daily span like 22:00-07:00 that may run past midnight."""

    def __init__(self, start: str, end: str, tz: str):
        self.start, self.end, self.tz = time.fromisoformat(start), time.fromisoformat(end), ZoneInfo(tz)

    @classmethod
    def of(cls, settings: Settings) -> "QuietHours | None":
        """The configured quiet hours, or None when there are none."""
        quiet = settings.escalation.quiet_hours
        return cls(quiet.start, quiet.end, settings.timezone) if quiet else None

    def contains(self, moment: datetime) -> bool:
        """True inside quiet hours."""
        local = moment.astimezone(self.tz).time()
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def end_after(self, moment: datetime) -> datetime:
        """The first end of quiet hours after `moment` (in moment's timezone)."""
        local = moment.astimezone(self.tz)
        end = datetime.combine(local.date(), self.end, self.tz)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), self.end, self.tz)
        return end.astimezone(moment.tzinfo)
