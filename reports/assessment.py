"""The monthly assessment (月度考核): grid workers and officers ranked on outcomes, not on activity.

Visits, kilometres and check-ins are deliberately not counted: the articles warn that they
make people chase numbers. Each person is judged on the tickets they handled (see rates.DEFINITIONS).
"""
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from core.settings import Settings
from models import Ticket
from reports import rates
from reports.facts import load_facts

WEIGHTS = (("及时签收率", "accept_rate", 0.35), ("按时办结率", "on_time_close_rate", 0.35),
           ("满意率", "satisfaction_rate", 0.20), ("1 − 重开率", "kept_rate", 0.10))
FORMULA = ("得分 = 100 × (0.35 × 及时签收率 + 0.35 × 按时办结率 + 0.20 × 满意率 + 0.10 × (1 − 重开率))；"
           "得分最高的 3 名网格员且得分不低于 85 分者评为五星网格员；"
           "某项当月无数据（如无人答复回访）时不计该项，其余权重按比例放大。当月承办少于 3 件的不参与排名。"
           "走访次数、里程、打卡次数不计分。")
MIN_TICKETS = 3
FIVE_STARS = 3  # the best grid workers of the month are marked 五星网格员...
FIVE_STAR_MIN_SCORE = 85.0  # ...but only for work that deserves it: the best of a bad month is no star


@dataclass(frozen=True)
class Score:
    """One person's month."""

    member_id: str
    name: str
    grid: str
    rates: rates.Rates
    score: float | None  # None: too few tickets to rank
    rank: int | None = None
    five_star: bool = False


def month_bounds(month: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next, both local."""
    first = date.fromisoformat(month + "-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return datetime.combine(first, time(0), tz), datetime.combine(following, time(0), tz)


def assess(db: Session, settings: Settings, month: str, tz: ZoneInfo) -> dict[str, list[Score]]:
    """{"grid_worker": [...], "officer": [...]}, best first, the unranked last."""
    start, end = month_bounds(month, tz)
    tickets = db.exec(select(Ticket).where(Ticket.created_at >= start, Ticket.created_at < end)).all()
    per_member = rates.by(load_facts(db, list(tickets)), lambda f: f.handler)
    home = {w: g.name for _, g in settings.grids() for w in g.workers}
    home.update({v.officer: v.name for v in settings.villages})
    home.update({m.id: "值班室" for m in settings.members if "duty_officer" in m.roles and m.id not in home})
    result = {}
    for role in ("grid_worker", "officer"):
        people = [m for m in settings.members if role in m.roles]
        scores = [_score(m.id, m.name, home.get(m.id, ""), per_member.get(m.id) or rates.compute([])) for m in people]
        result[role] = _ranked(scores, five_stars=FIVE_STARS if role == "grid_worker" else 0)
    return result


def _score(member_id: str, name: str, grid: str, r: rates.Rates) -> Score:
    if r.total < MIN_TICKETS:
        return Score(member_id, name, grid, r, None)
    values = {"accept_rate": r.accept_rate, "on_time_close_rate": r.on_time_close_rate,
              "satisfaction_rate": r.satisfaction_rate,
              "kept_rate": None if r.reopen_rate is None else 1 - r.reopen_rate}
    used = [(w, values[key]) for _, key, w in WEIGHTS if values[key] is not None]
    weight = sum(w for w, _ in used)
    score = round(100 * sum(w * v for w, v in used) / weight, 1) if weight else None
    return Score(member_id, name, grid, r, score)


def _ranked(scores: list[Score], five_stars: int) -> list[Score]:
    ranked = sorted((s for s in scores if s.score is not None), key=lambda s: (-s.score, -s.rates.total, s.member_id))
    out = [Score(**{**s.__dict__, "rank": i + 1, "five_star": i < five_stars and s.score >= FIVE_STAR_MIN_SCORE})
           for i, s in enumerate(ranked)]
    return out + sorted((s for s in scores if s.score is None), key=lambda s: s.member_id)


def ranking_text(month: str, ranking: dict[str, list[Score]], top: int = 10) -> str:
    """The message for the supervisors' group."""
    year, mon = month.split("-")
    lines = [f"【网格哨月度考核】{year}年{int(mon)}月", "按结果计分（及时签收、按时办结、满意、不重开），不计走访次数和里程。"]
    for role, title in (("grid_worker", "网格员"), ("officer", "社区民警")):
        ranked = [s for s in ranking.get(role, []) if s.rank][:top]
        lines.append(f"{title}排名：" if ranked else f"{title}：当月无足够工单参与排名。")
        for s in ranked:
            r = s.rates
            star = " ★五星网格员" if s.five_star else ""
            lines.append(f"{s.rank}. {s.name}（{s.grid}）{s.score:.1f}分{star}：及时签收{_p(r.accept_rate)}，"
                         f"按时办结{_p(r.on_time_close_rate)}，满意{_p(r.satisfaction_rate)}，"
                         f"重开{_p(r.reopen_rate)}，共{r.total}件")
    lines.append("计分：" + FORMULA)
    return "\n".join(lines)


def _p(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"
