"""A ticket changing hands carries its story: why, by whom, what was done; the people it leaves are told.

The story is told to the new holders on their task card (改派 note, 转警 reason, 退单 reason,
不满意 reason with 第N次办理 and the last handling), to the holders it leaves, and to the
reporters who are waiting for it.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from dispatch import texts
from dispatch.context import Deps
from dispatch.reporters import tell_reporters
from models import Assignment, AuditLog, Ticket, outbox


@dataclass(frozen=True)
class Story:
    """What the next holder should know: the hand-over lines and the handling round (1 the first time)."""

    lines: tuple[str, ...] = ()
    round: int = 1


def story(deps: Deps, db: Session, ticket: Ticket, actor: str, reason: str) -> Story:
    """The story of a re-dispatch about to happen (the ticket still in its old status)."""
    lines = []
    if ticket.status == "returned":
        returned = _last(db, ticket.id, "returned")
        if returned:
            lines.append(f"{actor_name(deps, returned.actor)}退单：{returned.note}")
    if reason:
        lines.append(f"{actor_name(deps, actor)}{reason}")
    reopened = db.exec(select(func.count()).select_from(AuditLog)
                       .where(AuditLog.ticket_id == ticket.id, AuditLog.action == "reopened")).one()
    if ticket.status == "reopened" and ticket.resolution:
        resolved = _last(db, ticket.id, "resolved")
        who = f"（{actor_name(deps, resolved.actor)}）" if resolved else ""
        lines.append(f"上次办结{who}：{ticket.resolution}")
    return Story(tuple(lines), int(reopened) + 1)


def tell_left(deps: Deps, db: Session, ticket: Ticket, previous: list[Assignment], now_held: list[str],
              told: Story, actor: str, now: datetime) -> None:
    """The holders the ticket leaves hear where it went and why (not the one who handed it over)."""
    left = [m for m in dict.fromkeys(a.member_id for a in previous) if m not in now_held and m != actor]
    names = "、".join(deps.member_name(m) for m in now_held[:3]) or "待分派"
    text = f"【工单已移交】{texts.headline(ticket)}\n" + "\n".join(told.lines) + f"\n现由{names}承办，您无需再处理。"
    outbox.to_members(db, left, key=f"t{ticket.id}:c{ticket.cycle}:left", text=text, now=now, ticket_id=ticket.id)


def tell_reporters_handed(deps: Deps, db: Session, ticket: Ticket, primary: list[str], now: datetime) -> None:
    """Reporters waiting on the ticket hear who has it now."""
    names = "、".join(deps.member_name(m) for m in primary)
    tell_reporters(db, ticket, "handover", f"您反映的问题（编号 {ticket.number}）已转交{names}办理。", now)


def actor_name(deps: Deps, actor: str) -> str:
    """A person in a story line: a member's name, 居民 for a resident, nothing for the system."""
    if actor.startswith("resident:"):
        return "居民"
    return "" if actor == "system" else deps.member_name(actor)


def _last(db: Session, ticket_id: int, to_status: str) -> AuditLog | None:
    return db.exec(select(AuditLog).where(AuditLog.ticket_id == ticket_id, AuditLog.to_status == to_status)
                   .order_by(AuditLog.id.desc())).first()
