"""What a report's status page shows: its steps and times, never who handles it or who else reported.

The link may be forwarded (to family, into a group), so the page carries only what the reporter
wrote (phone and ID numbers masked even so), the category, the steps with their times and the
outcome of 办结, with phone and ID numbers masked.
"""
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from core.clock import utc
from core.privacy import mask
from core.vocabulary import STATUS_NAMES, category_name
from models import AuditLog, Feedback, MediaFile, Resident, Ticket, WebReport
from models.store import session

STEPS = {"dispatched": "已派单给处置人员", "accepted": "处置人员已签收", "in_progress": "处置人员已到场",
         "resolved": "已办结", "reopened": "您不满意，已重新办理", "closed": "已办结归档",
         "returned": "退回重新分派", "transferred": "已转交处理", "cancelled": "已撤销"}


@dataclass
class StatusView:
    """The page's content."""

    number: str
    status: str
    category: str
    place: str
    text: str
    photos: list[str]
    steps: list[tuple[str, str]] = field(default_factory=list)  # (time, what happened)
    resolution: str = ""
    may_answer: bool = False  # 办结 and this reporter has not answered 回访 for this round
    answer: str = ""  # this reporter's 回访 answer, as recorded
    expired_photos: int = 0  # photos past media.retention_days: no longer shown


def status_view(engine, report: WebReport, ticket: Ticket, tz: ZoneInfo) -> StatusView:
    """Read the ticket, its audit trail and this reporter's 回访 answer."""
    with session(engine) as db:
        audits = db.exec(select(AuditLog).where(AuditLog.ticket_id == ticket.id).order_by(AuditLog.at, AuditLog.id)).all()
        resident = db.exec(select(Resident).where(Resident.channel == "web",
                                                  Resident.external_id == report.key)).first()
        answers = db.exec(select(Feedback).where(Feedback.ticket_id == ticket.id,
                                                 Feedback.resident_id == resident.id)
                          .order_by(Feedback.id.desc())).all() if resident else []
        expired = set(db.exec(select(MediaFile.key).where(MediaFile.key.in_(report.photos or [""]),
                                                          MediaFile.expired_at.is_not(None))).all())

    def when(moment: datetime | None) -> str:
        return utc(moment).astimezone(tz).strftime("%m-%d %H:%M") if moment else ""

    steps = [(when(report.created_at), "已提交，已受理")]
    if resident and any(a.action == "merged" and a.actor == f"resident:{resident.id}" for a in audits):
        steps.append((when(report.created_at), "已有居民反映同一问题，并入一并处理"))
    steps += [(when(a.at), STEPS[a.to_status]) for a in audits if a.to_status in STEPS]
    answered = [a for a in answers if a.cycle == ticket.cycle and a.satisfied is not None]
    latest = answers[0] if answers else None
    return StatusView(
        number=ticket.number, status=STATUS_NAMES.get(ticket.status, ticket.status),
        category=category_name(ticket.category), place=mask(ticket.place or report.place or ""),
        text=mask(report.text), photos=[k for k in report.photos if k not in expired], steps=steps,
        expired_photos=len(expired),
        resolution=mask(ticket.resolution or "") if ticket.status in ("resolved", "followed_up", "closed") else "",
        may_answer=ticket.status == "resolved" and not answered,
        answer=_answer_text(latest) if latest else "")


def _answer_text(answer: Feedback) -> str:
    if answer.satisfied is None:
        return "未评价（默认满意）"
    return "满意" if answer.satisfied else f"不满意：{answer.reason}" if answer.reason else "不满意"
