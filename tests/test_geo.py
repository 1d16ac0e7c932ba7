"""Grid outlines: a point lands in the smallest outline holding it, else the nearest centre; a bad file names its faults."""
import json
from pathlib import Path

import pytest

from bot.conversation.locate import grid_at
from core.config_load import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent
DEMO = (ROOT / "config.yaml").read_text(encoding="utf-8")


def square(lng: float, lat: float, side: float = 0.002) -> list:
    return [[[lng, lat], [lng + side, lat], [lng + side, lat + side], [lng, lat + side], [lng, lat]]]


def feature(grid, geometry) -> dict:
    return {"type": "Feature", "properties": {"grid": grid}, "geometry": geometry}


def config_with(tmp_path, geojson) -> Path:
    (tmp_path / "outlines.geojson").write_text(geojson if isinstance(geojson, str) else json.dumps(geojson),
                                               encoding="utf-8")
    path = tmp_path / "config.yaml"
    path.write_text(DEMO.replace("boundaries_file: grids.geojson", "boundaries_file: outlines.geojson"),
                    encoding="utf-8")
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    return caught.value.problems


def test_it_finds_the_micro_grid_inside_its_grid(settings):
    assert grid_at(settings, 30.8260, 104.1630) == "gh-2-a"  # 锦绣花园, west half of 第二网格
    assert grid_at(settings, 30.8260, 104.1650) == "gh-2-b"
    assert grid_at(settings, 30.8230, 104.1600) == "gh-1"
    assert grid_at(settings, 30.8460, 104.1870) == "lx-2"


def test_outside_every_outline_it_falls_back_to_the_nearest_centre_within_reach(settings):
    # between the town and the village, 1 km from 柳溪村第一网格's centre: no outline holds it
    assert grid_at(settings, 30.8330, 104.1760) == "lx-1"
    assert grid_at(settings, 31.2000, 104.1600) is None  # 40 km away: not ours to guess
    assert grid_at(settings, None, 104.16) is None


def test_without_a_file_the_nearest_centre_decides(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(DEMO.replace("boundaries_file: grids.geojson", "boundaries_file: \"\""), encoding="utf-8")
    settings = load_settings(path, env={})
    assert settings.geo.boundaries_file is None
    assert grid_at(settings, 30.8260, 104.1630) == "gh-2"  # centre of 第二网格; micro-grids have none


def test_a_relative_path_is_read_beside_the_config_file(tmp_path):
    path = config_with(tmp_path, {"type": "FeatureCollection", "features": [
        feature("gh-3", {"type": "Polygon", "coordinates": square(104.0, 30.0)})]})
    settings = load_settings(path, env={})
    assert grid_at(settings, 30.001, 104.001) == "gh-3"
    assert settings.geo.area_ids() == ["gh-3"]


def test_every_fault_in_the_file_is_named_with_its_key_and_feature(tmp_path):
    bowtie = [[[104.0, 30.0], [104.01, 30.01], [104.01, 30.0], [104.0, 30.01], [104.0, 30.0]]]
    path = config_with(tmp_path, {"type": "FeatureCollection", "features": [
        feature("gh-1", {"type": "Polygon", "coordinates": bowtie}),
        feature("gh-2", {"type": "Polygon", "coordinates": [[[30.82, 104.16], [30.83, 104.16], [30.83, 104.17],
                                                              [30.82, 104.16]]]}),
        feature("gh-3", {"type": "Point", "coordinates": [104.16, 30.82]}),
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": square(104.0, 30.0)}},
        feature("lx-1", {"type": "Polygon", "coordinates": square(104.2, 30.8)}),
        feature("lx-1", {"type": "Polygon", "coordinates": square(104.3, 30.8)}),
    ]})
    problems = problems_of(path)
    assert problems[0].startswith("geo.boundaries_file: outlines.geojson: features.0 (gh-1).geometry: "
                                  "not a valid polygon (Self-intersection")
    assert "off the globe (GeoJSON is [longitude, latitude]: are they swapped?)" in problems[1]
    assert problems[1].startswith("geo.boundaries_file: outlines.geojson: features.1 (gh-2).geometry.coordinates")
    assert problems[2].endswith("features.2 (gh-3).geometry: must be a Polygon or MultiPolygon, not 'Point'")
    assert problems[3].endswith("features.3.properties.grid: missing; set it to the grid or micro-grid id from config")
    assert "features.5: grid 'lx-1' already has an outline (features.4)" in problems[4]
    assert len(problems) == 5


def test_an_outline_for_a_grid_no_village_has_is_refused(tmp_path):
    path = config_with(tmp_path, {"type": "FeatureCollection", "features": [
        feature("gh-9", {"type": "Polygon", "coordinates": square(104.0, 30.0)})]})
    assert problems_of(path) == ["geo.boundaries_file: an outline names grid 'gh-9', which no village has"]


@pytest.mark.parametrize("content, expected", [
    ("{not json", "not valid GeoJSON (JSON)"),
    ('{"type": "Feature"}', "must be a GeoJSON FeatureCollection"),
    ('{"type": "FeatureCollection", "features": []}', "has no features"),
])
def test_a_file_that_is_not_a_feature_collection_is_named(tmp_path, content, expected):
    [problem] = problems_of(config_with(tmp_path, content))
    assert problem.startswith("geo.boundaries_file: outlines.geojson: ") and expected in problem


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(DEMO.replace("boundaries_file: grids.geojson", "boundaries_file: nowhere.geojson"),
                    encoding="utf-8")
    [problem] = problems_of(path)
    assert problem.startswith("geo.boundaries_file: nowhere.geojson: cannot read ") and "nowhere.geojson" in problem
