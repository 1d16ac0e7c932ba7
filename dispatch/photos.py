"""Photos sent after a report or a 办结: attached to the ticket, with who sent them and when."""
from sqlmodel import select

from dispatch.api import Outcome
from dispatch.context import Deps
from dispatch.lifecycle import audit
from models import Assignment, Ticket
from models.media import link_ticket
from models.store import session


def from_member(deps: Deps, member_id: str, url: str, ticket_id: int | None = None) -> Outcome | None:
    """A worker's photo joins `ticket_id` if they hold it (/m knows the task), else the ticket they hold or most
    recently resolved; None if they hold none."""
    with session(deps.engine) as db:
        held = (select(Ticket).join(Assignment, Assignment.ticket_id == Ticket.id)
                .where(Assignment.member_id == member_id, Assignment.active))
        if ticket_id is not None:
            held = held.where(Ticket.id == ticket_id)
        ticket = db.exec(held.order_by(Ticket.updated_at.desc())).first()
        if ticket is None:
            return None
        ticket.photos = [*ticket.photos, {"url": url, "by": member_id, "at": deps.clock.now().isoformat()}]
        db.add(ticket)
        link_ticket(db, url, ticket.id)
        db.commit()
    return Outcome(True, f"照片已附到 {ticket.number}。", ticket.id)


def from_resident(deps: Deps, resident_id: int, ticket_id: int, url: str) -> None:
    """A reporter's photo joins their ticket and the timeline."""
    now = deps.clock.now()
    with session(deps.engine) as db:
        ticket = db.get(Ticket, ticket_id, with_for_update=True)
        ticket.photos = [*ticket.photos, {"url": url, "by": f"resident:{resident_id}", "at": now.isoformat()}]
        db.add(ticket)
        link_ticket(db, url, ticket_id)
        audit(db, ticket_id, f"resident:{resident_id}", "photo", now, note=url[:200])
        db.commit()
