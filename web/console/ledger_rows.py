"""The ledger (台账) as rows with Chinese headers: one row per ticket, every phone masked (a file travels)."""
from datetime import datetime

from sqlmodel import Session, select

from core.clock import utc
from core.privacy import mask
from core.settings import Settings
from core.vocabulary import KIND_NAMES, ROUTE_NAMES, STATUS_NAMES, URGENCY_NAMES, category_name
from models import Resident, TicketReporter
from models.holding import current_holders
from reports.facts import load_facts
from web.console import filters, queries
from web.console.ledger_rounds import describe, rounds
from web.console.viewer import Viewer

HEADERS = ["工单编号", "受理时间", "网格", "类别", "性质", "紧急程度", "当前状态", "地点", "报事内容", "报事人",
           "报事人电话", "派单路径", "当前承办人", "承办人电话", "首次派单时间", "首次签收时间", "签收用时（小时）",
           "是否及时签收", "办结时间", "办结用时（小时）", "首次办结是否按时", "重办次数", "历次办理", "办结情况",
           "回访结果", "关闭时间"]
DATES = {"受理时间", "首次派单时间", "首次签收时间", "办结时间", "关闭时间"}  # real dates in the .xlsx
HOURS_COLUMNS = {"签收用时（小时）", "办结用时（小时）"}  # numbers with one decimal


def ledger_rows(db: Session, viewer: Viewer, f: filters.Filters, settings: Settings, tz) -> list[list]:
    """The filtered, visible tickets, oldest first, in HEADERS order: text, local datetimes and hours.

    A ticket that is open again after 不满意 shows who has it now and no 办结 of its own yet;
    its earlier rounds are in 历次办理.
    """
    found = list(reversed(queries.tickets(db, viewer, f, settings, tz, queries.LEDGER_LIMIT)))
    facts = load_facts(db, found)
    reporters = _reporters(db, [t.id for t in found])
    holders = {i: list(h.primary) for i, h in current_holders(db, [t.id for t in found]).items()}
    handled = rounds(db, [t.id for t in found])
    members = {m.id: m for m in settings.members}
    names = {m.id: m.name for m in settings.members}
    areas = dict(filters.area_choices(settings))
    rows = []
    for x in facts:
        t = x.ticket
        current = handled[t.id][-1]
        done = x.done and current.resolved_at is not None
        handler = members.get((holders.get(t.id) or [x.handler or ""])[0])
        who = reporters.get(t.id, [])
        rows.append([
            t.number, _local(t.created_at, tz), areas.get(t.grid_id or "", "待分拣").strip(), category_name(t.category),
            KIND_NAMES.get(t.kind or "", "待定"), URGENCY_NAMES.get(t.urgency, ""), STATUS_NAMES.get(t.status, t.status),
            t.place or "", t.text, "、".join(n for n, _ in who), "、".join(p for _, p in who if p),
            ROUTE_NAMES.get(t.route, t.route), "、".join(names.get(m, m) for m in holders.get(t.id, [])) or
            (handler.name if handler else ""),
            mask(handler.phone) if handler else "",
            _local(x.dispatched_at, tz), _local(x.accepted_at, tz), _hours(x.accept_seconds),
            _yes_no(x.accepted_on_time, x.accepted_at),
            _local(current.resolved_at, tz) if done else None,
            _hours((current.resolved_at - x.dispatched_at).total_seconds()) if done and x.dispatched_at else None,
            _yes_no(x.resolved_on_time, x.resolved_at) if done else "", len(handled[t.id]) - 1,
            describe(handled[t.id], names, tz), (t.resolution or "") if done else "", _feedback(x.feedback),
            _local(t.closed_at, tz)])
    return rows


def _local(value: datetime | None, tz) -> datetime | None:
    """A stored time as a local date and time (no zone: what a spreadsheet cell holds)."""
    return utc(value).astimezone(tz).replace(tzinfo=None) if value else None


def _hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 1) if seconds is not None else None


def _reporters(db: Session, ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for start in range(0, len(ids), 900):
        rows = db.exec(select(TicketReporter.ticket_id, Resident.name, Resident.phone_masked)
                       .join(Resident, Resident.id == TicketReporter.resident_id)
                       .where(TicketReporter.ticket_id.in_(ids[start:start + 900])).order_by(TicketReporter.id)).all()
        for ticket_id, name, phone in rows:
            found.setdefault(ticket_id, []).append((name or "居民", phone or ""))
    return found


def _yes_no(on_time: bool, happened) -> str:
    return "" if not happened else ("是" if on_time else "否")


def _feedback(answers: list[bool | None]) -> str:
    if not answers:
        return ""
    last = answers[-1]
    return "满意" if last is True else ("不满意" if last is False else "默认满意（未答复）")
