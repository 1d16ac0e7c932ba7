"""When scheduled things are due: pure functions of the config, the calendar and the time."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.config_duties import WEEKDAYS, Duty, SchoolBreak
from core.workcal import WorkCalendar

MONTHLY_MAKE_UP = timedelta(days=3)  # a 1st missed while the service was down is made up until the 3rd ends


@dataclass(frozen=True)
class Slot:
    """One due firing of a schedule: identity (schedule, slot) and when it became due."""

    schedule: str
    slot: str
    due_at: datetime


def at_local(day: date, hhmm: str, tz: ZoneInfo) -> datetime:
    """An aware datetime for a local date and "HH:MM"."""
    return datetime.combine(day, time.fromisoformat(hhmm), tz)


def is_school_day(day: date, calendar: WorkCalendar, breaks: list[SchoolBreak]) -> bool:
    """A working day outside every school break."""
    iso = day.isoformat()
    return calendar.is_workday(day) and not any(b.start <= iso <= b.end for b in breaks)


def duty_runs_on(duty: Duty, day: date, calendar: WorkCalendar, breaks: list[SchoolBreak]) -> bool:
    """Whether the duty has slots on this local date."""
    if duty.days == "every":
        return True
    if duty.days == "working":
        return calendar.is_workday(day)
    if duty.days == "school":
        return is_school_day(day, calendar, breaks)
    return WEEKDAYS[day.weekday()] in duty.days


def due_duty_slots(duty: Duty, now: datetime, calendar: WorkCalendar, breaks: list[SchoolBreak]) -> list[Slot]:
    """Slots that are due and still worth doing: started, and their deadline not yet passed.

    Looking back over the deadline makes a slot missed while the service was down fire on
    the first tick after start, while a slot whose whole window passed is not created late.
    """
    tz = calendar.tz
    local_now = now.astimezone(tz)
    slots = []
    lookback_days = max(1, duty.deadline.days + 1)
    for offset in range(lookback_days, -1, -1):
        day = local_now.date() - timedelta(days=offset)
        if not duty_runs_on(duty, day, calendar, breaks):
            continue
        for hhmm in duty.times:
            due = at_local(day, hhmm, tz)
            if due <= local_now < due + duty.deadline:
                slots.append(Slot(f"duty:{duty.id}", f"{day.isoformat()}T{hhmm}", due))
    return slots


def due_daily(name: str, hhmm: str, now: datetime, tz: ZoneInfo, grace: timedelta = timedelta(hours=12)) -> Slot | None:
    """Today's slot of a daily report, if its time has come and the day's grace has not run out."""
    local_now = now.astimezone(tz)
    due = at_local(local_now.date(), hhmm, tz)
    if due <= local_now < due + grace:
        return Slot(name, local_now.date().isoformat(), due)
    return None


def due_weekly(name: str, weekday: str, hhmm: str, now: datetime, tz: ZoneInfo) -> Slot | None:
    """This week's slot of a weekly report, on its weekday, within that day."""
    local_now = now.astimezone(tz)
    if WEEKDAYS[local_now.weekday()] != weekday:
        return None
    slot = due_daily(name, hhmm, now, tz)
    if slot is None:
        return None
    year, week, _ = local_now.isocalendar()
    return Slot(name, f"{year}-W{week:02d}", slot.due_at)


def due_monthly(name: str, hhmm: str, now: datetime, tz: ZoneInfo) -> Slot | None:
    """Last month's slot (its ranking): due on the 1st at `hhmm`, made up until the end of the 3rd
    if the service was down on the 1st."""
    local_now = now.astimezone(tz)
    first = local_now.date().replace(day=1)
    due = at_local(first, hhmm, tz)
    if not due <= local_now < datetime.combine(first + MONTHLY_MAKE_UP, time(), tz):
        return None
    return Slot(name, (first - timedelta(days=1)).strftime("%Y-%m"), due)
