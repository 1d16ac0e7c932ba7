"""The place picker (村/社区 → 小区/村组/路/地标 → 栋) from config, and what a choice resolves to."""
from dataclasses import dataclass

from core.settings import Settings


@dataclass(frozen=True)
class Choice:
    """One pickable place: its village, its name, and the buildings it has (0 for none)."""

    village_id: str
    name: str
    kind: str
    buildings: int


def villages(settings: Settings) -> list[tuple[str, str]]:
    """(id, name) of each village/community, in config order."""
    return [(v.id, v.name) for v in settings.villages]


def choices(settings: Settings) -> list[Choice]:
    """Every top-level grid's places, once per village and name, with the highest building number."""
    found: dict[tuple[str, str], Choice] = {}
    for village, grid in settings.grids():
        for place in grid.places:
            top = int(place.buildings.split("-")[1]) if place.buildings else 0
            found.setdefault((village.id, place.name), Choice(village.id, place.name, place.kind, top))
    return list(found.values())


def grid_village(settings: Settings, grid_id: str | None) -> str | None:
    """The village of a grid or micro-grid id (a poster's preselection), or None if unknown."""
    for village, grid in settings.grids():
        if grid_id in (grid.id, *(m.id for m in grid.micro_grids)):
            return village.id
    return None


def resolve(settings: Settings, village_id: str, name: str, building: int | None) -> tuple[str, str | None]:
    """The place as text (锦绣花园12栋) and the area it belongs to: a micro-grid whose range holds the building."""
    text = f"{name}{building}栋" if building else name
    for village, grid in settings.grids():
        if village.id != village_id or not any(p.name == name for p in grid.places):
            continue
        for micro in grid.micro_grids:
            if any(p.name == name and _holds(p.buildings, building) for p in micro.places):
                return text, micro.id
        return text, grid.id
    return text, None


def _holds(buildings: str | None, building: int | None) -> bool:
    if not buildings or building is None:
        return buildings is None  # a micro-grid holding the whole place holds any building of it
    low, high = (int(x) for x in buildings.split("-"))
    return low <= building <= high
