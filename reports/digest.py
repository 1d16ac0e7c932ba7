"""The supervisors' daily digest and weekly summary, computed from the tables."""
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from core.clock import utc
from core.durations import format_duration
from core.vocabulary import OPEN_STATUSES
from models import Escalation, Feedback, Grid, Member, Ticket
from reports import rates
from reports.chase import chase_list
from reports.facts import load_facts


def daily_digest(db: Session, now: datetime, tz: ZoneInfo, top: int = 5) -> str:
    """新增 / 办结 / 超时 / 升级 / 不满意 over the last 24 hours, by grid, with the top overdue."""
    since = now - timedelta(days=1)
    grid_names = dict(db.exec(select(Grid.id, Grid.name)).all())
    new = db.exec(select(Ticket).where(Ticket.created_at >= since, Ticket.merged_into_id.is_(None))).all()
    closed = _count(db, select(func.count()).select_from(Ticket).where(Ticket.resolved_at >= since))
    escalated = _count(db, select(func.count()).select_from(Escalation).where(Escalation.fired_at >= since))
    unsatisfied = _count(db, select(func.count()).select_from(Feedback)
                         .where(Feedback.created_at >= since, Feedback.satisfied.is_(False)))
    overdue = _overdue(db)
    lines = [f"【网格哨日报】{_local_date(now, tz)}",
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


def _chase_lines(db: Session, now: datetime, grid_names: dict[str, str], most: int = 20) -> list[str]:
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


def weekly_summary(db: Session, now: datetime, tz: ZoneInfo) -> str:
    """This week's rates against last week's, so the trend shows; the rates are those of the console (reports.rates)."""
    this_week = _rates(db, now - timedelta(days=7), now)
    last_week = _rates(db, now - timedelta(days=14), now - timedelta(days=7))
    lines = [f"【网格哨周报】截至 {_local_date(now, tz)}"]
    for label, rate in (("及时签收率", "accept_rate"), ("按时办结率", "on_time_close_rate"), ("办结率", "done_rate"),
                        ("满意率", "satisfaction_rate")):
        now_rate, before = getattr(this_week, rate), getattr(last_week, rate)
        trend = "" if now_rate is None or before is None else f"（上周 {before:.0%}，{'↑' if now_rate >= before else '↓'}）"
        lines.append(f"{label}：{'—' if now_rate is None else f'{now_rate:.0%}'}{trend}")
    lines.append(f"本周受理 {this_week.total} 件")
    return "\n".join(lines)


def _rates(db: Session, start: datetime, end: datetime) -> rates.Rates:
    """The rates over the tickets received in [start, end), as the statistics page counts them."""
    tickets = db.exec(select(Ticket).where(Ticket.created_at >= start, Ticket.created_at < end)).all()
    return rates.compute(load_facts(db, list(tickets)))


def _overdue(db: Session) -> list[tuple[Ticket, datetime]]:
    rows = db.exec(select(Ticket, func.min(Escalation.fired_at)).join(Escalation, Escalation.ticket_id == Ticket.id)
                   .where(Ticket.status.in_(OPEN_STATUSES), Escalation.cycle == Ticket.cycle)
                   .group_by(Ticket.id).order_by(func.min(Escalation.fired_at))).all()
    return [(ticket, utc(first)) for ticket, first in rows]


def _count(db: Session, statement) -> int:
    return int(db.exec(statement).one())


def _local_date(now: datetime, tz: ZoneInfo) -> str:
    return now.astimezone(tz).strftime("%Y-%m-%d")
