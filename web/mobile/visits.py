"""两天必见面 on /m: the people a worker must see, when they were last seen, and when next."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, select

from core.clock import utc
from models import WatchedPerson
from web.mobile.identity import Person

SOON = timedelta(hours=24)  # due within this long counts on the 我的任务 badge


@dataclass(frozen=True)
class Watched:
    """A person under watch as the worker sees them."""

    person: WatchedPerson
    due: datetime
    mine: bool  # mine to see (a leader also sees the grid's)

    def left_s(self, now: datetime) -> float:
        """Seconds until the visit is due; negative when it is overdue."""
        return (self.due - now).total_seconds()


def people(db: Session, person: Person, now: datetime) -> list[Watched]:
    """The member's people under watch, and for a grid leader the grid's; the longest unseen first."""
    who = or_(WatchedPerson.worker_id == person.id, WatchedPerson.grid_id.in_(_led_areas(person)))
    rows = db.exec(select(WatchedPerson).where(WatchedPerson.active, who)).all()
    found = [Watched(p, _due(p, now), p.worker_id == person.id) for p in rows]
    return sorted(found, key=lambda w: (not w.mine, w.due))


def due_count(db: Session, member_id: str, now: datetime) -> int:
    """How many of my people are due within a day (or overdue)."""
    rows = db.exec(select(WatchedPerson).where(WatchedPerson.active, WatchedPerson.worker_id == member_id)).all()
    return sum(1 for p in rows if _due(p, now) - now < SOON)


def _due(p: WatchedPerson, now: datetime) -> datetime:
    return utc(p.last_seen_at) + timedelta(seconds=p.interval_s) if p.last_seen_at else now


def _led_areas(person: Person) -> list[str]:
    return sorted(person.viewer.grids) if person.leads else []
