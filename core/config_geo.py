"""The `geo` keys of config.yaml: grid outlines (GeoJSON) and how far a grid centre reaches."""
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field, ValidationInfo

from core.config import Strict
from core.geo import BoundaryError, GridBoundaries, load_boundaries


class BoundaryFile:
    """The outlines read from `geo.boundaries_file`, and where they came from."""

    def __init__(self, path: Path, boundaries: GridBoundaries):
        self.path, self.boundaries = path, boundaries

    def __repr__(self) -> str:
        return f"BoundaryFile({str(self.path)!r}, {len(self.boundaries.boundaries)} areas)"


def _read(value: object, info: ValidationInfo) -> BoundaryFile | None:
    """A path (relative to the config file) becomes the checked outlines; empty means none."""
    if value is None or isinstance(value, BoundaryFile):
        return value
    if not isinstance(value, str):
        raise ValueError("must be the path of a GeoJSON file")
    if not value.strip():
        return None
    path = Path(value.strip())
    if not path.is_absolute():
        base = (info.context or {}).get("config_dir")
        path = Path(base) / path if base else path
    try:
        return BoundaryFile(path, load_boundaries(path))
    except BoundaryError as exc:
        raise ValueError("\n".join(f"{value.strip()}: {p}" for p in exc.problems)) from None


class Geo(Strict):
    """Where a shared location falls: inside a grid's outline, else near a grid's centre."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)
    boundaries_file: Annotated[BoundaryFile | None, BeforeValidator(_read)] = None
    reach_km: float = Field(1.5, gt=0, le=50)  # no outline holds the point: nearest centre within this

    def area_ids(self) -> list[str]:
        """The grid and micro-grid ids that have an outline."""
        return self.boundaries_file.boundaries.area_ids() if self.boundaries_file else []
