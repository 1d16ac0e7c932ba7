"""The board's and the ledger's filters: parsed from the query string, applied to a SELECT."""
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlmodel import select

from core.settings import Settings
from core.vocabulary import CATEGORY_NAMES, KIND_NAMES, OPEN_STATUSES, STATUS_NAMES, URGENCY_NAMES
from models import Assignment, Ticket

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)  # anything else is a slip of the keyboard (9999-12-31 has no next day)
STATUS_CHOICES = {"open": "未办结（全部）", "overdue": "未办结且超时", "all": "全部"} | STATUS_NAMES


@dataclass(frozen=True)
class Filters:
    """What the person picked; empty means any."""

    area: str = ""
    category: str = ""
    kind: str = ""
    urgency: str = ""
    status: str = "open"
    date_from: str = ""
    date_to: str = ""
    worker: str = ""

    def query(self, **changes) -> str:
        """The query string for these filters (for links, the refresh and the exports)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)} | changes
        return urlencode({k: v for k, v in values.items() if v})


def parse(query, settings: Settings, default_status: str = "open") -> Filters:
    """Keep only known values, so nothing the person typed reaches SQL or HTML unchecked."""
    areas = {a for a, _ in area_choices(settings)}
    workers = {m.id for m in settings.members}

    def pick(name: str, allowed) -> str:
        value = str(query.get(name, "")).strip()
        return value if value in allowed else ""

    status = str(query.get("status", default_status))
    return Filters(area=pick("area", areas), category=pick("category", CATEGORY_NAMES),
                   kind=pick("kind", KIND_NAMES), urgency=pick("urgency", URGENCY_NAMES),
                   status=status if status in STATUS_CHOICES else default_status,
                   date_from=_date(query.get("date_from")), date_to=_date(query.get("date_to")),
                   worker=pick("worker", workers))


def apply(statement, f: Filters, settings: Settings, tz: ZoneInfo):
    """Add the WHERE clauses for the filters (the overdue part is done after loading)."""
    if f.area:
        village_ids = {v.id for v in settings.villages}
        if f.area in village_ids:
            statement = statement.where(Ticket.village_id == f.area)
        else:
            statement = statement.where(Ticket.grid_id.in_(sorted(_with_micro(f.area, settings))))
    for name in ("category", "kind", "urgency"):
        if getattr(f, name):
            statement = statement.where(getattr(Ticket, name) == getattr(f, name))
    if f.status in ("open", "overdue"):
        statement = statement.where(Ticket.status.in_(OPEN_STATUSES))
    elif f.status != "all":
        statement = statement.where(Ticket.status == f.status)
    if f.date_from:
        statement = statement.where(Ticket.created_at >= local_midnight(f.date_from, tz))
    if f.date_to:
        statement = statement.where(Ticket.created_at < local_midnight(f.date_to, tz) + timedelta(days=1))
    if f.worker:
        statement = statement.where(Ticket.id.in_(select(Assignment.ticket_id).where(Assignment.member_id == f.worker)))
    return statement


def area_choices(settings: Settings) -> list[tuple[str, str]]:
    """Villages, their grids and micro-grids, indented for a <select>."""
    choices = []
    for village in settings.villages:
        choices.append((village.id, village.name))
        for grid in village.grids:
            choices.append((grid.id, "　" + grid.name))
            choices += [(m.id, "　　" + m.name) for m in grid.micro_grids]
    return choices


def area_workers(settings: Settings, area_id: str | None) -> list[str]:
    """The grid workers of a grid or micro-grid (none for an unknown area)."""
    for _, grid in settings.grids():
        if grid.id == area_id:
            return list(grid.workers)
        for micro in grid.micro_grids:
            if micro.id == area_id:
                return list(micro.workers)
    return []


def month_presets(today: date) -> list[tuple[str, str, str]]:
    """(label, first day, last day) of this month and the last two: the monthly meeting looks back."""
    presets, first = [], today.replace(day=1)
    for label in ("本月", "上月", "前月"):
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        presets.append((f"{label}（{first.month}月）", first.isoformat(), last.isoformat()))
        first = (first - timedelta(days=1)).replace(day=1)
    return presets


def local_midnight(day: str, tz: ZoneInfo) -> datetime:
    """The start of a local calendar day, as an aware time."""
    return datetime.combine(date.fromisoformat(day), time(0), tz)


def _with_micro(grid_id: str, settings: Settings) -> set[str]:
    for _, grid in settings.grids():
        if grid.id == grid_id:
            return {grid.id, *(m.id for m in grid.micro_grids)}
    return {grid_id}


def _date(value) -> str:
    """A calendar day the service can count with; "" for no date or not a date, 400 for one out of range."""
    try:
        day = date.fromisoformat(str(value or ""))
    except ValueError:
        return ""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise web.HTTPBadRequest(text=f"日期超出范围：请选择 {FIRST_DAY} 至 {LAST_DAY} 之间的日期。")
    return day.isoformat()
