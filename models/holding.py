"""Who holds a ticket now, read from its active assignments: the primary assignees and who accepted;
and who may take over a ticket nobody accepted (dispatch decides with it, /m offers 接手 by it)."""
from dataclasses import dataclass

from sqlmodel import Session, select

from models.deadlines import Escalation
from models.tickets import Assignment, AuditLog, Ticket

UNACCEPTED = ("dispatched", "returned")


@dataclass(frozen=True)
class Holders:
    """Who holds a ticket now: the primary assignees, and who of the holders accepted it."""

    primary: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()

    def late(self, ladder: str) -> tuple[str, ...]:
        """Who the ladder waits on: the acceptors for 办结, the primary assignees for 签收."""
        return (self.accepted or self.primary) if ladder == "close" else self.primary


def current_holders(db: Session, ticket_ids: list[int]) -> dict[int, Holders]:
    """Each ticket's holders now (tickets nobody holds are left out)."""
    rows = db.exec(select(Assignment.ticket_id, Assignment.member_id, Assignment.role, Assignment.accepted_at)
                   .where(Assignment.ticket_id.in_(set(ticket_ids)), Assignment.active)
                   .order_by(Assignment.id)).all()
    found: dict[int, Holders] = {}
    for ticket_id, member_id, role, accepted_at in rows:
        h = found.get(ticket_id, Holders())
        found[ticket_id] = Holders(h.primary + ((member_id,) if role == "primary" else ()),
                                   h.accepted + ((member_id,) if accepted_at else ()))
    return found


def alerted_may_take_over(db: Session, ticket: Ticket, member_id: str) -> bool:
    """Someone this cycle's ladder alerted (or its emergency page reached) may take a ticket nobody accepted."""
    if ticket.status not in UNACCEPTED:
        return False
    alerted = db.exec(select(Escalation.notified).where(Escalation.ticket_id == ticket.id,
                                                        Escalation.cycle == ticket.cycle)).all()
    paged = db.exec(select(AuditLog.data).where(AuditLog.ticket_id == ticket.id, AuditLog.to_status == "dispatched")
                    .order_by(AuditLog.id.desc())).first() or {}
    return any(member_id in people for people in alerted) or member_id in (paged.get("page") or [])
