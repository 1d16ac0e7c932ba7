"""Loading tickets for the board and the ledger, limited to what the viewer may see."""
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from core.settings import Settings
from models import Assignment, Member, Ticket
from web.console import filters
from web.console.overdue import Lateness, lateness
from web.console.viewer import Viewer

BOARD_LIMIT = 500
LEDGER_LIMIT = 20000


@dataclass(frozen=True)
class Row:
    """A ticket on the board: who holds it and how late it is."""

    ticket: Ticket
    holders: list[str]  # names, primary first
    late: Lateness | None


def tickets(db: Session, viewer: Viewer, f: filters.Filters, settings: Settings, tz, limit: int) -> list[Ticket]:
    """Visible tickets matching the filters, newest first."""
    statement = filters.apply(select(Ticket).where(viewer.visible()), f, settings, tz)
    return list(db.exec(statement.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)).all())


def board_rows(db: Session, viewer: Viewer, f: filters.Filters, settings: Settings, tz, now: datetime) -> list[Row]:
    """The board: overdue first (most overdue on top), then the newest."""
    found = tickets(db, viewer, f, settings, tz, BOARD_LIMIT)
    names = holder_names(db, [t.id for t in found])
    rows = [Row(t, names.get(t.id, []), lateness(t, now)) for t in found]
    if f.status == "overdue":
        rows = [r for r in rows if r.late and r.late.late_s > 0]
    overdue = sorted((r for r in rows if r.late and r.late.late_s > 0), key=lambda r: -r.late.late_s)
    return overdue + [r for r in rows if not (r.late and r.late.late_s > 0)]


def holder_names(db: Session, ticket_ids: list[int]) -> dict[int, list[str]]:
    """The names of each ticket's current holders, primary first."""
    if not ticket_ids:
        return {}
    rows = db.exec(select(Assignment, Member.name).join(Member, Member.id == Assignment.member_id)
                   .where(Assignment.ticket_id.in_(ticket_ids), Assignment.active)
                   .order_by(Assignment.role != "primary", Assignment.id)).all()
    names: dict[int, list[str]] = {}
    for assignment, name in rows:
        names.setdefault(assignment.ticket_id, []).append(name)
    return names


def can_read(db: Session, viewer: Viewer, ticket_id: int) -> Ticket | None:
    """The ticket if it exists and the viewer may read it."""
    return db.exec(select(Ticket).where(Ticket.id == ticket_id, viewer.visible())).first()
