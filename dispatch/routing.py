"""Who gets a ticket: police, the grid, the off-hours duty or the human triage queue."""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func
from sqlmodel import Session, select

from core.directory import Area, Directory
from core.vocabulary import OPEN_STATUSES
from core.workcal import WorkCalendar
from models import Assignment, Member, Ticket


@dataclass(frozen=True)
class Plan:
    """The route and the people: `primary` are asked to accept; `cc` are told and may accept."""

    route: str  # grid | police | triage | duty_offhours
    primary: list[str]
    cc: list[str]
    page: list[str]  # paged at once (emergencies)


def plan_route(db: Session, directory: Directory, calendar: WorkCalendar, *, kind: str | None,
               urgency: str, area: Area | None, needs_human: bool, now: datetime) -> Plan:
    """Apply the rules: unsure triage → the human triage queue; police → the village officer and
    the desk (off-hours: the duty officer); non-police at an unknown place → the triage queue;
    off-hours → police duty; otherwise the grid's least-loaded worker on duty. Emergencies also
    page the duty officer at once."""
    station = directory.station
    page = list(station.duty_officers) if urgency == "emergency" else []
    officer = [area.officer] if area else []
    working = calendar.is_working_time(now)
    # An unsure police emergency is not held for a human look: the duty officer acts at once.
    if (needs_human and not (kind == "police" and page)) or kind is None:
        return Plan("triage", list(station.duty_desk), [], page)
    if kind == "police" and working:
        primary = officer or list(station.duty_officers)
        return Plan("police", primary, _without(station.duty_desk, primary), page)
    if kind == "police":  # nights and holidays: the duty officer acts, the village officer is told
        return Plan("duty_offhours", list(station.duty_officers),
                    _without([*officer, *station.duty_desk], station.duty_officers), page)
    if area is None:
        return Plan("triage", list(station.duty_desk), [], page)
    if not working:
        return Plan("duty_offhours", list(station.duty_officers), _without(officer, station.duty_officers), page)
    return Plan("grid", [pick_worker(db, area)], [], page)


def pick_worker(db: Session, area: Area) -> str:
    """The worker on duty with the fewest open tickets; ties go to the one assigned least recently."""
    on_duty = set(db.exec(select(Member.id).where(Member.id.in_(area.workers), Member.active, Member.on_duty)).all())
    candidates = [w for w in area.workers if w in on_duty] or list(area.workers)
    is_open = and_(Assignment.active, Ticket.status.in_(OPEN_STATUSES))
    stats = {member: (int(load or 0), last) for member, load, last in db.exec(
        select(Assignment.member_id, func.sum(case((is_open, 1), else_=0)), func.max(Assignment.id))
        .join(Ticket, Ticket.id == Assignment.ticket_id)
        .where(Assignment.member_id.in_(candidates)).group_by(Assignment.member_id)).all()}
    return min(candidates, key=lambda w: (*stats.get(w, (0, 0)), candidates.index(w)))


def _without(people: Sequence[str], excluded: Sequence[str]) -> list[str]:
    return [p for p in people if p not in excluded]
