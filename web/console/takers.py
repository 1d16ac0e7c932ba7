"""Who a ticket may be handed to (改派, 退单裁定): the form offers exactly these, and the action checks the same list.

The workers, leaders and officer of the ticket's village (its grids and micro-grids), and the duty
officers, who serve the whole station; a ticket not yet placed in a village may go to any of them.
"""
from core.settings import Settings
from models import Member, Ticket
from web.console.filters import area_workers

ROLES = {"grid_worker", "grid_leader", "officer", "duty_officer"}
STATION_WIDE = "duty_officer"


def takers(settings: Settings, ticket: Ticket, members: list[Member]) -> list[Member]:
    """The active members the ticket may go to: the grid's own workers first, then the other workers, then the rest."""
    local = set(area_workers(settings, ticket.grid_id))
    village = _village_people(settings, ticket.village_id)
    eligible = [m for m in members if m.active and ROLES & set(m.roles)
                and (village is None or m.id in village or STATION_WIDE in m.roles)]
    return sorted(eligible, key=lambda m: (m.id not in local, "grid_worker" not in m.roles, m.id))


def _village_people(settings: Settings, village_id: str | None) -> set[str] | None:
    """Everyone serving the village's grids, and its officer; None when the ticket has no village."""
    for village in settings.villages:
        if village.id == village_id:
            people = {village.officer}
            for grid in village.grids:
                people |= {grid.leader, *grid.workers, *(w for micro in grid.micro_grids for w in micro.workers)}
            return people
    return None
