"""Grid boundaries from a GeoJSON file: read and checked once at start, then a point finds its grid.

GeoJSON writes positions as [longitude, latitude]; WeChat and the phone give (latitude,
longitude). Every problem in the file is reported at once, each naming the feature and what is
wrong with it, so the person fixing the file sees the whole list.
"""
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

MAX_BYTES = 20 * 1024 * 1024  # a district's grids are a few hundred kilobytes; more is a wrong file
AREA_TYPES = ("Polygon", "MultiPolygon")


class BoundaryError(ValueError):
    """The file cannot be used; `problems` lists what is wrong, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Boundary:
    """One area's outline: the grid or micro-grid id and its (multi)polygon."""

    area_id: str
    geometry: object  # shapely Polygon or MultiPolygon, prepared for fast point tests
    area: float  # in square degrees: only compared with other areas, to prefer the smaller one


class GridBoundaries:
    """Every configured outline; `area_at(lat, lng)` is the smallest area containing the point."""

    def __init__(self, boundaries: list[Boundary]):
        self.boundaries = sorted(boundaries, key=lambda b: b.area)  # micro-grids before their grid

    def area_ids(self) -> list[str]:
        """The ids named in the file."""
        return [b.area_id for b in self.boundaries]

    def area_at(self, lat: float, lng: float) -> str | None:
        """The smallest area whose outline contains (or touches) the point; None outside them all."""
        for boundary in self.boundaries:
            if shapely.intersects_xy(boundary.geometry, lng, lat):
                return boundary.area_id
        return None


def load_boundaries(path: Path) -> GridBoundaries:
    """Read and check a GeoJSON FeatureCollection of grid outlines; raise BoundaryError with every problem."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BoundaryError([f"file is {size} bytes, more than {MAX_BYTES}: is it the right file?"])
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BoundaryError([f"cannot read {path}: {exc.strerror}"]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryError([f"not valid GeoJSON (JSON): {exc}"]) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features"), list):
        raise BoundaryError(['must be a GeoJSON FeatureCollection: {"type": "FeatureCollection", "features": [...]}'])
    problems: list[str] = []
    boundaries: list[Boundary] = []
    seen: dict[str, int] = {}
    for index, feature in enumerate(data["features"]):
        boundary, trouble = _feature(index, feature)
        problems += trouble
        if boundary is None:
            continue
        if boundary.area_id in seen:
            problems.append(f"features.{index}: grid {boundary.area_id!r} already has an outline (features."
                            f"{seen[boundary.area_id]}); put all its parts in one MultiPolygon")
            continue
        seen[boundary.area_id] = index
        boundaries.append(boundary)
    if not boundaries and not problems:
        problems.append("has no features: give each grid a Polygon with properties.grid set to its id")
    if problems:
        raise BoundaryError(problems)
    return GridBoundaries(boundaries)


def _feature(index: int, feature: Any) -> tuple[Boundary | None, list[str]]:
    where = f"features.{index}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None, [f"{where}: not a GeoJSON Feature"]
    properties = feature.get("properties")
    area_id = properties.get("grid") if isinstance(properties, dict) else None
    if not isinstance(area_id, str) or not area_id.strip():
        return None, [f"{where}.properties.grid: missing; set it to the grid or micro-grid id from config"]
    where = f"{where} ({area_id})"
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in AREA_TYPES:
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        return None, [f"{where}.geometry: must be a Polygon or MultiPolygon, not {kind!r}"]
    trouble = _positions(where, geometry.get("coordinates"))
    if trouble:
        return None, trouble
    try:
        outline = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as exc:
        return None, [f"{where}.geometry: cannot be read as a {geometry['type']}: {exc}"]
    if not outline.is_valid:  # before the area: a bow-tie's two halves cancel out to nothing
        return None, [f"{where}.geometry: not a valid polygon ({explain_validity(outline)})"]
    if outline.is_empty or outline.area == 0:
        return None, [f"{where}.geometry: encloses no area"]
    shapely.prepare(outline)
    return Boundary(area_id.strip(), outline, outline.area), []


def _positions(where: str, coordinates: Any) -> list[str]:
    """Every position must be [longitude, latitude] with finite numbers in range."""
    flat: list[list[float]] = []

    def walk(node: Any, depth: int) -> bool:
        if depth > 4 or not isinstance(node, list):
            return False
        if node and all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in node):
            flat.append(node)
            return len(node) in (2, 3)
        return bool(node) and all(walk(child, depth + 1) for child in node)

    if not walk(coordinates, 0):
        return [f"{where}.geometry.coordinates: not a list of rings of [longitude, latitude] positions"]
    for lng, lat, *_ in flat:
        if not (math.isfinite(lng) and math.isfinite(lat)):
            return [f"{where}.geometry.coordinates: a position is not a finite number"]
        if abs(lat) > 90 or abs(lng) > 180:
            hint = " (GeoJSON is [longitude, latitude]: are they swapped?)" if abs(lng) <= 90 < abs(lat) else ""
            return [f"{where}.geometry.coordinates: position [{lng}, {lat}] is off the globe{hint}"]
    return []
