"""The supervisors' daily digest and weekly summary, computed from the tables."""
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from core.clock import utc
from core.durations import format_duration
from dispatch.backlog import chase_list
from dispatch.policy import Policy
from models import Escalation, Feedback, Grid, Member, Ticket

OPEN = ("new", "dispatched", "accepted", "in_progress", "returned", "transferred", "reopened")
DONE = ("resolved", "followed_up", "closed")


def daily_digest(db: Session, now: datetime, top: int = 5) -> str:
    """新增 / 办结 / 超时 / 升级 / 不满意 over the last 24 hours, by grid, with the top overdue."""
    since = now - timedelta(days=1)
    grid_names = dict(db.exec(select(Grid.id, Grid.name)).all())
    new = db.exec(select(Ticket).where(Ticket.created_at >= since, Ticket.merged_into_id.is_(None))).all()
    closed = _count(db, select(func.count()).select_from(Ticket).where(Ticket.resolved_at >= since))
    escalated = _count(db, select(func.count()).select_from(Escalation).where(Escalation.fired_at >= since))
    unsatisfied = _count(db, select(func.count()).select_from(Feedback)
                         .where(Feedback.created_at >= since, Feedback.satisfied.is_(False)))
    overdue = _overdue(db)
    lines = [f"【网格哨日报】{_local_date(now)}",
             f"新增 {len(new)} 件，办结 {closed} 件，超时未结 {len(overdue)} 件，升级 {escalated} 次，不满意 {unsatisfied} 件"]
    by_grid = Counter(grid_names.get(t.grid_id, "待分拣") for t in new)
    if by_grid:
        lines.append("新增按网格：" + "，".join(f"{g} {n}" for g, n in by_grid.most_common()))
    if overdue:
        lines.append("超时最久：")
        for ticket, since_at in overdue[:top]:
            lines.append(f"· {ticket.number} {grid_names.get(ticket.grid_id, '待分拣')} {ticket.place or ''} "
                         f"已超时 {format_duration(now - since_at)}")
    return "\n".join(lines + _chase_lines(db, now, grid_names))


def _chase_lines(db: Session, now: datetime, grid_names: dict, most: int = 20) -> list[str]:
    """The 督办 list: tickets whose pushes stopped (repeats used up) and still wait, to be pressed by hand."""
    chased = chase_list(db)
    if not chased:
        return []
    names = dict(db.exec(select(Member.id, Member.name)).all())
    lines = [f"【督办清单】{len(chased)} 件已停止推送，请逐件督办："]
    for c in chased[:most]:
        who = "、".join(names.get(m, m) for m in c.late) or "无人承办"
        lines.append(f"· {c.ticket.number} {grid_names.get(c.ticket.grid_id, '待分拣')} {c.ticket.place or ''} "
                     f"{who}未{c.waiting}，派单已{format_duration(now - c.since)}")
    if len(chased) > most:
        lines.append(f"……另有 {len(chased) - most} 件，见控制台看板")
    return lines


def weekly_summary(db: Session, now: datetime) -> str:
    """This week's 三率 against last week's, so the trend shows."""
    this_week = _rates(db, now - timedelta(days=7), now)
    last_week = _rates(db, now - timedelta(days=14), now - timedelta(days=7))
    lines = [f"【网格哨周报】截至 {_local_date(now)}"]
    for label, key in (("及时签收率", "accept"), ("办结率", "close"), ("满意率", "satisfied")):
        now_rate, before = this_week[key], last_week[key]
        trend = "" if now_rate is None or before is None else f"（上周 {before:.0%}，{'↑' if now_rate >= before else '↓'}）"
        lines.append(f"{label}：{'—' if now_rate is None else f'{now_rate:.0%}'}{trend}")
    lines.append(f"本周受理 {this_week['total']} 件")
    return "\n".join(lines)


def _rates(db: Session, start: datetime, end: datetime) -> dict:
    tickets = db.exec(select(Ticket).where(Ticket.created_at >= start, Ticket.created_at < end,
                                           Ticket.merged_into_id.is_(None), Ticket.status != "cancelled")).all()
    dispatched = [t for t in tickets if t.dispatched_at]
    on_time = [t for t in dispatched if t.accepted_at and _first_accept_step(t) is not None
               and utc(t.accepted_at) - utc(t.dispatched_at) <= _first_accept_step(t)]
    answers = db.exec(select(Feedback.satisfied).where(Feedback.created_at >= start, Feedback.created_at < end,
                                                       Feedback.satisfied.is_not(None))).all()
    return {"total": len(tickets),
            "accept": len(on_time) / len(dispatched) if dispatched else None,
            "close": sum(t.status in DONE for t in tickets) / len(tickets) if tickets else None,
            "satisfied": sum(answers) / len(answers) if answers else None}


def _first_accept_step(ticket: Ticket) -> timedelta | None:
    return Policy.of(ticket).accept.limit if ticket.policy else None


def _overdue(db: Session) -> list[tuple[Ticket, datetime]]:
    rows = db.exec(select(Ticket, func.min(Escalation.fired_at)).join(Escalation, Escalation.ticket_id == Ticket.id)
                   .where(Ticket.status.in_(OPEN), Escalation.cycle == Ticket.cycle)
                   .group_by(Ticket.id).order_by(func.min(Escalation.fired_at))).all()
    return [(ticket, utc(first)) for ticket, first in rows]


def _count(db: Session, statement) -> int:
    return int(db.exec(statement).one())


def _local_date(now: datetime) -> str:
    return (now + timedelta(hours=8)).strftime("%Y-%m-%d")
