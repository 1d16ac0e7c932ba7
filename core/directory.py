"""Who is who for an area: leaders, workers, officers, duty desk — read from the config."""
from dataclasses import dataclass

from core.settings import Settings


@dataclass(frozen=True)
class Area:
    """A grid or micro-grid with the people responsible for it."""

    grid_id: str  # the top-level grid
    area_id: str  # the grid or the micro-grid the place resolved to
    village_id: str
    name: str
    workers: tuple[str, ...]
    leader: str
    officer: str
    instructor: str


class Directory:
    """Lookups over config.yaml's villages, grids, micro-grids and station."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.station = settings.station
        self._areas: dict[str, Area] = {}
        for village, grid in settings.grids():
            base = dict(grid_id=grid.id, village_id=village.id, leader=grid.leader,
                        officer=village.officer, instructor=village.instructor)
            self._areas[grid.id] = Area(area_id=grid.id, name=grid.name, workers=tuple(grid.workers), **base)
            for micro in grid.micro_grids:
                self._areas[micro.id] = Area(area_id=micro.id, name=micro.name, workers=tuple(micro.workers), **base)

    def area(self, area_id: str | None) -> Area | None:
        """The grid or micro-grid with this id, or None."""
        return self._areas.get(area_id or "")

    def find_area(self, text: str) -> Area | None:
        """A grid by id or (part of) its name, for `转派 12 第二网格` style commands."""
        text = text.strip()
        if text in self._areas:
            return self._areas[text]
        named = [a for a in self._areas.values() if a.area_id == a.grid_id and text and text in a.name]
        return named[0] if len(named) == 1 else None

    def chain(self, area: Area | None) -> set[str]:
        """Everyone a ladder may alert about this area: they may take over a ticket nobody accepted."""
        people = {*self.station.duty_officers, *self.station.supervisors}
        return people | ({area.leader, area.officer, area.instructor} if area else set())

    def members_for(self, roles: list[str], area: Area | None) -> list[str]:
        """Member ids for notify roles; roles without a holder for this ticket are skipped."""
        found: list[str] = []
        for role in roles:
            if role == "grid_leader" and area:
                found.append(area.leader)
            elif role == "officer" and area:
                found.append(area.officer)
            elif role == "instructor" and area:
                found.append(area.instructor)
            elif role == "duty_officer" or (role == "officer" and not area):
                found += self.station.duty_officers
            elif role == "supervisor":
                found += self.station.supervisors
        return list(dict.fromkeys(found)) or list(self.station.duty_officers)
