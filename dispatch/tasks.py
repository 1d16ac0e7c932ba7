"""Tasks nobody reported: visits to people under watch, scheduled duties. Same lifecycle and ladders."""
from datetime import datetime, timedelta

from sqlmodel import Session

from dispatch.assign import dispatch
from dispatch.context import Deps
from dispatch.intake import ticket_number
from dispatch.lifecycle import audit
from dispatch.policy import snapshot
from dispatch.routing import Plan
from models import Ticket


def create_task(deps: Deps, db: Session, *, category: str, area_id: str, assignee: str, text: str,
                place: str | None, close_within: timedelta, now: datetime, source: str,
                urgency: str = "urgent") -> Ticket:
    """A ticket assigned straight to `assignee`, closing within `close_within`, in the caller's transaction."""
    area = deps.directory.area(area_id)
    policy = snapshot(deps.settings, urgency).with_close_limit(close_within).to_json()
    ticket = Ticket(number=f"pending-{source}", status="new", kind="non_police", category=category, urgency=urgency,
                    text=text, place=place, grid_id=area.area_id if area else area_id,
                    village_id=area.village_id if area else None, triage={"source": source}, policy=policy,
                    created_at=now, updated_at=now)
    db.add(ticket)
    db.flush()
    ticket.number = ticket_number(ticket.id, now.astimezone(deps.calendar.tz).date().isoformat())
    audit(db, ticket.id, "system", "scheduled", now, to_status="new", note=text[:200], source=source)
    dispatch(deps, db, ticket, Plan("grid", [assignee], [], []), now, reason=source)
    return ticket
