"""Fixtures for triage: the demo community's places read straight from config.yaml, one warm classifier."""
from pathlib import Path

import pytest
import yaml

CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


def gazetteer_entries_from_yaml(path: Path = CONFIG) -> list[dict]:
    """The gazetteer entries of a config file: grid places, micro-grid places (marked), villages."""
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = []
    for village in config["villages"]:
        for grid in village["grids"]:
            for place in grid.get("places", []):
                entries.append(_entry(place, grid["id"], village["id"]))
            for micro in grid.get("micro_grids", []):
                entries += [_entry(p, micro["id"], village["id"]) | {"micro": True} for p in micro["places"]]
        entries.append({"name": village["name"], "aliases": village.get("aliases", []), "kind": "village",
                        "buildings": None, "grid_id": None, "village_id": village["id"]})
    return entries


def _entry(place: dict, grid_id: str, village_id: str) -> dict:
    return {"name": place["name"], "aliases": place.get("aliases", []), "kind": place["kind"],
            "buildings": place.get("buildings"), "grid_id": grid_id, "village_id": village_id}


@pytest.fixture(scope="session")
def gazetteer():
    from nlp.places import Gazetteer
    return Gazetteer.from_entries(gazetteer_entries_from_yaml())


@pytest.fixture(scope="session")
def classifier(gazetteer):
    from nlp.classifier import Classifier
    return Classifier.load(gazetteer=gazetteer).warm_up()
