"""Who gets a ticket: police, the grid, the off-hours duty or the human triage queue."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from core.workcal import WorkCalendar
from dispatch.directory import Area, Directory
from models import Assignment, Member, Ticket
from dispatch.labels import OPEN_STATUSES


@dataclass(frozen=True)
class Plan:
    """The route and the people: `primary` are asked to accept; `cc` are told and may accept."""

    route: str  # grid | police | triage | duty_offhours
    primary: list[str]
    cc: list[str]
    page: list[str]  # paged at once (emergencies)


def plan_route(db: Session, directory: Directory, calendar: WorkCalendar, *, kind: str | None,
               urgency: str, area: Area | None, needs_human: bool, now: datetime) -> Plan:
    """Apply the rules: unknown place or unsure triage → triage queue; police → officer + desk;
    off-hours → police duty; otherwise the grid's least-loaded worker on duty."""
    station = directory.station
    page = list(station.duty_officers) if urgency == "emergency" else []
    if kind == "police":
        officer = area.officer if area else None
        primary = [officer] if officer else list(station.duty_officers)
        return Plan("police", primary, _without(station.duty_desk, primary), page)
    if area is None or needs_human or kind is None:
        return Plan("triage", list(station.duty_desk), [], page)
    if not calendar.is_working_time(now):
        officer = [area.officer] if area.officer else []
        return Plan("duty_offhours", list(station.duty_officers), _without(officer, station.duty_officers), page)
    return Plan("grid", [pick_worker(db, area)], [], page)


def pick_worker(db: Session, area: Area) -> str:
    """The worker on duty with the fewest open tickets; ties go to the one assigned least recently."""
    on_duty = set(db.exec(select(Member.id).where(Member.id.in_(area.workers), Member.active, Member.on_duty)).all())
    candidates = [w for w in area.workers if w in on_duty] or list(area.workers)
    open_load = dict(db.exec(
        select(Assignment.member_id, func.count()).join(Ticket, Ticket.id == Assignment.ticket_id)
        .where(Assignment.active, Assignment.member_id.in_(candidates), Ticket.status.in_(OPEN_STATUSES))
        .group_by(Assignment.member_id)).all())
    last = dict(db.exec(select(Assignment.member_id, func.max(Assignment.id))
                        .where(Assignment.member_id.in_(candidates)).group_by(Assignment.member_id)).all())
    return min(candidates, key=lambda w: (open_load.get(w, 0), last.get(w, 0), candidates.index(w)))


def _without(people, excluded) -> list[str]:
    return [p for p in people if p not in excluded]
