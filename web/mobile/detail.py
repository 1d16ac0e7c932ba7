"""One task on /m: the resident's words, photos, place and map, the story so far, and what I may do."""
from datetime import datetime
from urllib.parse import urlencode

from sqlmodel import Session, select

from models import Assignment, Member, Resident, Ticket, TicketReporter
from models.holding import alerted_may_take_over
from web.console.overdue import lateness
from web.console.queries import can_read
from web.console.timeline import timeline
from web.media import split_photos
from web.mobile.identity import Person

# What an assignee may do in each status (dispatch checks again and has the last word).
OFFERED = {"dispatched": ("accept", "return", "transfer_police"), "reopened": ("accept",),
           "accepted": ("arrive", "resolve", "return", "transfer_police"),
           "in_progress": ("resolve", "return", "transfer_police"),
           "resolved": ("photo",), "followed_up": ("photo",)}
REASSIGNABLE = ("dispatched", "accepted", "in_progress", "returned")


def load(db: Session, person: Person, ticket_id: int, directory, now: datetime) -> dict | None:
    """Everything the task page shows, or None when the member may not read this ticket."""
    t = can_read(db, person.viewer, ticket_id)
    if t is None:
        return None
    held = db.exec(select(Assignment, Member.name).join(Member, Member.id == Assignment.member_id)
                   .where(Assignment.ticket_id == t.id, Assignment.active)
                   .order_by(Assignment.role != "primary", Assignment.id)).all()
    mine = [a for a, _name in held if a.member_id == person.id]
    area = directory.area(t.grid_id)
    reporters = db.exec(select(Resident.name).join(TicketReporter, TicketReporter.resident_id == Resident.id)
                        .where(TicketReporter.ticket_id == t.id).order_by(TicketReporter.id)).all()
    photos, withheld = split_photos(t.photos, directory.settings)
    return {"t": t, "late": lateness(t, now), "area": area, "map_url": map_url(t, area, directory),
            "holders": [(name, a.role, a.accepted_at is not None) for a, name in held],
            "reporters": [name or "居民" for name in reporters],
            "steps": [s for s in timeline(db, t.id) if s.kind != "push"],
            "photos": photos, "withheld": withheld,
            "offered": offered(db, t, bool(mine), person),
            "reassign_to": reassign_choices(t, person, area, [a.member_id for a, _n in held], db)}


def offered(db: Session, t: Ticket, holds: bool, person: Person) -> tuple[str, ...]:
    """The buttons to show: an assignee's next steps, or 接手 for someone the ladder alerted while nobody accepted
    (办结 only once accepted: dispatch refuses it before 签收)."""
    if holds:
        return OFFERED.get(t.status, ())
    if alerted_may_take_over(db, t, person.id):
        return ("take_over",)
    return ()


def reassign_choices(t: Ticket, person: Person, area, holding: list[str], db: Session) -> list[tuple[str, str]]:
    """A grid leader's 改派 targets: the other workers of the ticket's grid (none for police matters)."""
    workers = person.leads.get(area.grid_id, ()) if area else ()
    if not workers or t.kind == "police" or t.status not in REASSIGNABLE:
        return []
    names = dict(db.exec(select(Member.id, Member.name).where(Member.id.in_(workers), Member.active)).all())
    return [(w, names[w]) for w in workers if w in names and w not in holding]


def map_url(t: Ticket, area, directory) -> str | None:
    """Amap's search for the place, near the grid's centre when it has one (opens the map app or page)."""
    if not t.place:
        return None
    village = next((v.name for v in directory.settings.villages if area and v.id == area.village_id), "")
    query = {"keyword": f"{village}{t.place}", "view": "map", "src": "gridwhistle", "callnative": "1"}
    grid = next((g for _v, g in directory.settings.grids() if area and g.id == area.grid_id), None)
    if grid and grid.center:
        query["center"] = f"{grid.center[1]},{grid.center[0]}"  # amap wants longitude first
    return "https://uri.amap.com/search?" + urlencode(query)
