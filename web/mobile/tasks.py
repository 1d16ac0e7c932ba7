"""What /m shows: a member's tasks (to accept, in progress, overdue first), a grid leader's grid, one task."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from core.clock import utc
from core.vocabulary import OPEN_STATUSES
from models import Assignment, Ticket
from web.console.overdue import WAITING_ACCEPT, WAITING_CLOSE, Lateness, lateness
from web.console.queries import holder_names

RECENT = timedelta(days=3)  # resolved tasks stay on the list this long, for adding photos


@dataclass(frozen=True)
class Card:
    """A task on the list: the ticket, how late (or how long left), who holds it, my part in it."""

    ticket: Ticket
    late: Lateness | None
    holders: list[str]
    role: str = ""  # primary | cc for my own tasks; empty on the grid's list

    @property
    def overdue(self) -> bool:
        """Past the deadline it waits on."""
        return bool(self.late and self.late.late_s > 0)


def my_tasks(db: Session, member_id: str, now: datetime) -> dict[str, list[Card]]:
    """My open tasks as `to_accept` and `in_progress`, and `done`: those I resolved lately."""
    rows = db.exec(select(Ticket, Assignment).join(Assignment, Assignment.ticket_id == Ticket.id)
                   .where(Assignment.member_id == member_id, Assignment.active)).all()
    names = holder_names(db, [t.id for t, _a in rows])
    cards = {"to_accept": [], "in_progress": [], "done": []}
    for t, a in rows:
        card = Card(t, lateness(t, now), names.get(t.id, []), a.role)
        if t.status in WAITING_CLOSE or (t.status in WAITING_ACCEPT and a.accepted_at is not None):
            cards["in_progress"].append(card)
        elif t.status in WAITING_ACCEPT:
            cards["to_accept"].append(card)
        elif t.resolved_at and now - utc(t.resolved_at) < RECENT:
            cards["done"].append(card)
    cards["done"].sort(key=lambda c: utc(c.ticket.resolved_at), reverse=True)
    return {name: (found if name == "done" else most_urgent_first(found)) for name, found in cards.items()}


def grid_tasks(db: Session, grid_ids: list[str], directory, now: datetime) -> list[Card]:
    """The open tickets of the grids (and their micro-grids) a grid leader leads."""
    areas = [a for a in (directory.area(i) for i in _area_ids(directory, grid_ids)) if a]
    found = db.exec(select(Ticket).where(Ticket.grid_id.in_([a.area_id for a in areas]),
                                         Ticket.status.in_(OPEN_STATUSES))).all()
    names = holder_names(db, [t.id for t in found])
    return most_urgent_first([Card(t, lateness(t, now), names.get(t.id, [])) for t in found])


def most_urgent_first(cards: list[Card]) -> list[Card]:
    """The most overdue on top, then the least time left, then those with no deadline."""
    return sorted(cards, key=lambda c: (c.late is None, -(c.late.late_s if c.late else 0), -c.ticket.id))


def _area_ids(directory, grid_ids: list[str]) -> list[str]:
    settings = directory.settings
    return [i for _v, g in settings.grids() if g.id in grid_ids for i in (g.id, *(m.id for m in g.micro_grids))]
