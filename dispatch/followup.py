"""After 办结: the 回访 question, the resident's answer, and closing by default when none comes."""
from datetime import datetime

from sqlmodel import Session, select

from dispatch import deadlines, texts
from dispatch.api import Outcome
from dispatch.assign import route_and_dispatch
from dispatch.context import Deps
from dispatch.lifecycle import move
from dispatch.reporters import tell_reporters
from models import Feedback, Ticket, TicketReporter
from models.store import session


def ask(deps: Deps, db: Session, ticket: Ticket, now: datetime) -> bool:
    """Send the 回访 question to every reporter and start the wait for answers."""
    if ticket.status != "resolved":
        return False
    tell_reporters(db, ticket, "followup", texts.reporter_update(ticket, "followup"), now)
    deadlines.schedule(db, kind="followup_close", ticket_id=ticket.id, cycle=ticket.cycle,
                       due_at=now + deps.settings.intake.followup_timeout)
    return True


def close_by_default(deps: Deps, db: Session, ticket: Ticket, now: datetime) -> bool:
    """No answer in time: record 默认满意 (counted apart) and close."""
    if ticket.status != "resolved":
        return False
    db.add(Feedback(ticket_id=ticket.id, cycle=ticket.cycle, satisfied=None, reason="未回复，默认满意", created_at=now))
    move(db, ticket, "closed", "system", now, action="closed_by_default", note="回访未回复，默认满意")
    return True


def answer(deps: Deps, resident_id: int, satisfied: bool, reason: str = "") -> Outcome | None:
    """Record a reporter's answer on their newest resolved ticket; 不满意 reopens it."""
    now = deps.clock.now()
    with session(deps.engine) as db:
        ticket = db.exec(select(Ticket).join(TicketReporter, TicketReporter.ticket_id == Ticket.id)
                         .where(TicketReporter.resident_id == resident_id, Ticket.status == "resolved")
                         .order_by(Ticket.resolved_at.desc()).with_for_update(of=Ticket)).first()
        if ticket is None:
            return None
        db.add(Feedback(ticket_id=ticket.id, resident_id=resident_id, cycle=ticket.cycle, satisfied=satisfied,
                        reason=reason, created_at=now))
        actor = f"resident:{resident_id}"
        deadlines.void(db, ticket.id, ("followup", "followup_close"))
        if satisfied:
            move(db, ticket, "followed_up", actor, now, note="满意")
            move(db, ticket, "closed", actor, now, note="回访满意")
            reply = f"感谢您的评价！编号 {ticket.number} 已办结归档。"
        else:
            move(db, ticket, "reopened", actor, now, note=reason or "不满意")
            route_and_dispatch(deps, db, ticket, now, actor=actor, reason=f"回访不满意：{reason}")
            reply = texts.reporter_update(ticket, "reopened")
        db.commit()
    return Outcome(True, reply, ticket.id)
