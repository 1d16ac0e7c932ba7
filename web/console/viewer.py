"""Who is looking, and what they may see and do.

所领导 and 值班民警 see the whole station; 社区民警 and 网格指导员 their village; 网格长 their grid
(with its micro-grids); everyone also sees the tickets they were ever assigned. A 网格员 sees only
those: their own tasks.
"""
from dataclasses import dataclass

from sqlalchemy import or_, true
from sqlmodel import select

from core.settings import Settings
from models import Assignment, Member, Ticket

STATION_ROLES = {"supervisor", "duty_officer"}
ACTING_ROLES = {"supervisor", "duty_officer", "instructor"}  # dispatch.supervision.SUPERVISING
PHONE_ROLES = {"supervisor", "duty_officer", "officer"}  # they call people back: web/console/reveal.py


@dataclass(frozen=True)
class Viewer:
    """A logged-in member and their reach."""

    id: str
    name: str
    roles: tuple[str, ...]
    station: bool
    villages: frozenset[str]
    grids: frozenset[str]
    csrf: str = ""

    @property
    def may_act(self) -> bool:
        """May reassign, transfer, arbitrate, press and close (dispatch checks again)."""
        return bool(ACTING_ROLES & set(self.roles))

    @property
    def sees_phones(self) -> bool:
        """May have full phone and ID numbers shown, one ticket and one audited click at a time (显示完整号码)."""
        return bool(PHONE_ROLES & set(self.roles))

    def visible(self):
        """A WHERE clause limiting Ticket rows to what this viewer may read."""
        if self.station:
            return true()
        mine = select(Assignment.ticket_id).where(Assignment.member_id == self.id)
        return or_(Ticket.village_id.in_(sorted(self.villages)), Ticket.grid_id.in_(sorted(self.grids)),
                   Ticket.id.in_(mine))


def viewer_for(member: Member, settings: Settings, csrf: str = "") -> Viewer:
    """Work out the reach of a member from the area tree in config."""
    roles = set(member.roles)
    villages, grids = set(), set()
    for village in settings.villages:
        if member.id in (village.officer, village.instructor):
            villages.add(village.id)
        for grid in village.grids:
            if member.id == grid.leader:
                grids |= {grid.id, *(m.id for m in grid.micro_grids)}
    return Viewer(member.id, member.name, tuple(member.roles), bool(roles & STATION_ROLES) or
                  member.id in settings.station.supervisors, frozenset(villages), frozenset(grids), csrf)

