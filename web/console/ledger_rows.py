"""The ledger (台账) as rows with Chinese headers: one row per ticket, phones masked by role."""
from sqlmodel import Session, select

from core.settings import Settings
from core.vocabulary import KIND_NAMES, ROUTE_NAMES, STATUS_NAMES, URGENCY_NAMES, category_name
from models import Resident, TicketReporter
from reports.facts import load_facts
from web.console import filters, queries
from web.console.labels import local
from web.console.viewer import Viewer, mask_phone

HEADERS = ["工单编号", "受理时间", "网格", "类别", "性质", "紧急程度", "状态", "地点", "报事内容", "报事人", "报事人电话",
           "派单路径", "承办人", "承办人电话", "首次派单时间", "首次签收时间", "是否及时签收", "首次办结时间", "是否按时办结",
           "办结情况", "回访结果", "关闭时间"]


def ledger_rows(db: Session, viewer: Viewer, f: filters.Filters, settings: Settings, tz) -> list[list[str]]:
    """The filtered, visible tickets, oldest first, as lists of strings in HEADERS order."""
    found = list(reversed(queries.tickets(db, viewer, f, settings, tz, queries.LEDGER_LIMIT)))
    facts = load_facts(db, found)
    reporters = _reporters(db, [t.id for t in found])
    members = {m.id: m for m in settings.members}
    areas = dict(filters.area_choices(settings))
    rows = []
    for x in facts:
        t = x.ticket
        handler = members.get(x.handler or "")
        who = reporters.get(t.id, [])
        rows.append([
            t.number, local(t.created_at, tz), areas.get(t.grid_id or "", "待分拣").strip(), category_name(t.category),
            KIND_NAMES.get(t.kind or "", "待定"), URGENCY_NAMES.get(t.urgency, ""), STATUS_NAMES.get(t.status, t.status),
            t.place or "", t.text, "、".join(n for n, _ in who), "、".join(p for _, p in who if p),
            ROUTE_NAMES.get(t.route, t.route), handler.name if handler else (x.handler or ""),
            mask_phone(handler.phone, viewer) if handler else "",
            local(x.dispatched_at, tz), local(x.accepted_at, tz), _yes_no(x.accepted_on_time, x.accepted_at),
            local(x.resolved_at, tz), _yes_no(x.resolved_on_time, x.resolved_at), t.resolution or "",
            _feedback(x.feedback), local(t.closed_at, tz)])
    return rows


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
