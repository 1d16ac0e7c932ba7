"""A location (latitude, longitude) to its grid: inside a configured outline, else the nearest centre."""
from math import asin, cos, radians, sin, sqrt

from core.settings import Settings


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres."""
    lat1, lng1, lat2, lng2 = map(radians, (*a, *b))
    h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lng2 - lng1) / 2) ** 2
    return 2 * 6371 * asin(sqrt(h))


def grid_at(settings: Settings, lat: float | None, lng: float | None) -> str | None:
    """The grid (or micro-grid) whose outline holds the point; without one, the nearest centre in reach."""
    if lat is None or lng is None:
        return None
    outlines = settings.geo.boundaries_file
    inside = outlines.boundaries.area_at(lat, lng) if outlines else None
    return inside or nearest_grid(settings, lat, lng)


def nearest_grid(settings: Settings, lat: float | None, lng: float | None) -> str | None:
    """The id of the nearest grid with a configured centre, if within `geo.reach_km`."""
    if lat is None or lng is None:
        return None
    centred = [(distance_km((lat, lng), g.center), g.id) for _, g in settings.grids() if g.center]
    if not centred:
        return None
    best_km, grid_id = min(centred)
    return grid_id if best_km <= settings.geo.reach_km else None
