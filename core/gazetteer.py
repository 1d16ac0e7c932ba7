"""The configured places as plain entries for the triage package (which reads no config)."""
from typing import Any

from core.config import Place
from core.settings import Settings


def gazetteer_entries(settings: Settings) -> list[dict[str, Any]]:
    """One entry per place; micro-grid places carry the micro-grid id and its building range."""
    entries = []
    for village, grid in settings.grids():
        for place in grid.places:
            entries.append(_entry(place, grid.id, village.id))
        for micro in grid.micro_grids:
            for place in micro.places:
                entries.append(_entry(place, micro.id, village.id) | {"micro": True})
        entries.append({"name": village.name, "aliases": list(village.aliases), "kind": "village",
                        "buildings": None, "grid_id": None, "village_id": village.id})
    return entries


def _entry(place: Place, grid_id: str, village_id: str) -> dict[str, Any]:
    return {"name": place.name, "aliases": list(place.aliases), "kind": place.kind,
            "buildings": place.buildings, "grid_id": grid_id, "village_id": village_id}
