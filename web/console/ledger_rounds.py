"""Each round of handling of a ticket (a 不满意 starts the next), as one ledger cell."""
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from core.clock import utc
from models import AuditLog

CHUNK = 900  # ids per IN (...) clause


@dataclass
class Round:
    """One round: who resolved it, when and how, and the 不满意 that ended it (if one did)."""

    resolved_by: str | None = None
    resolved_at: datetime | None = None
    handling: str = ""
    unhappy: str | None = None


def rounds(db: Session, ticket_ids: list[int]) -> dict[int, list[Round]]:
    """Every ticket's rounds, oldest first (a ticket never resolved has one empty round)."""
    found: dict[int, list[Round]] = {i: [Round()] for i in ticket_ids}
    for start in range(0, len(ticket_ids), CHUNK):
        chunk = ticket_ids[start:start + CHUNK]
        for entry in db.exec(select(AuditLog).where(AuditLog.ticket_id.in_(chunk),
                                                    AuditLog.to_status.in_(("resolved", "reopened")))
                             .order_by(AuditLog.id)).all():
            current = found[entry.ticket_id][-1]
            if entry.to_status == "resolved":
                current.resolved_by, current.resolved_at, current.handling = entry.actor, utc(entry.at), entry.note
            else:
                current.unhappy = entry.note or "不满意"
                found[entry.ticket_id].append(Round())
    return found


def describe(ticket_rounds: list[Round], names: dict[str, str], tz: ZoneInfo) -> str:
    """第1次：李明 2026-11-24 10:40 办结：已劝离；回访不满意：车还在 | 第2次：办理中"""
    parts = []
    for n, r in enumerate(ticket_rounds, start=1):
        if r.resolved_at is None:
            text = "办理中"
        else:
            text = (f"{names.get(r.resolved_by or '', r.resolved_by or '')} "
                    f"{r.resolved_at.astimezone(tz):%Y-%m-%d %H:%M} 办结：{r.handling}")
        parts.append(f"第{n}次：{text}" + (f"；回访不满意：{r.unhappy}" if r.unhappy else ""))
    return " | ".join(parts)
