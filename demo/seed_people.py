"""The demo's residents and their reports' places."""
from dataclasses import dataclass
from datetime import datetime
from random import Random

from sqlmodel import select

from core.settings import Settings
from demo.scope import SEEDED_RESIDENT
from demo.seed_texts import MATTERS, SURNAMES, TITLES
from models import Resident
from models.store import session

CHANNELS = ["demo", "mp", "group"]


@dataclass(frozen=True)
class SeedTriage:
    """The triage fields dispatch reads, as nlp would have produced them."""

    category: str
    kind: str
    urgency: str
    location: str | None
    grid_id: str | None
    confidence: float = 0.9
    needs_human: bool = False
    is_report: bool = True
    reasons: tuple = ()


def make_residents(engine, rng: Random, now: datetime, count: int = 90) -> list[int]:
    """Residents with names like 王阿姨 and masked phones."""
    with session(engine) as db:
        rows = []
        for i in range(count):
            name = rng.choice(SURNAMES) + rng.choice(TITLES)
            rows.append(Resident(channel=rng.choice(CHANNELS), external_id=f"{SEEDED_RESIDENT}{i:03d}", name=name,
                                 phone_masked=f"1{rng.choice('3589')}{rng.randrange(10)}****{rng.randrange(10000):04d}",
                                 created_at=now))
        db.add_all(rows)
        db.commit()
        return list(db.exec(select(Resident.id).where(Resident.external_id.startswith(SEEDED_RESIDENT))).all())


def choose_place(settings: Settings, rng: Random) -> tuple[str, str, str, str, str]:
    """(category, urgency, text, place, area id) for one report."""
    category = rng.choices(list(MATTERS), weights=[m[0] for m in MATTERS.values()])[0]
    _, urgency, texts, _ = MATTERS[category]
    if rng.random() < 0.15:
        urgency = "urgent" if urgency == "normal" else urgency
    _, grid = rng.choice(settings.grids())
    place = rng.choice(grid.places)
    building = rng.randint(*map(int, place.buildings.split("-"))) if place.buildings else None
    written = f"{place.name}{building}栋" if building else place.name
    area = grid.id
    for micro in grid.micro_grids:
        for p in micro.places:
            low, high = map(int, (p.buildings or "0-9999").split("-"))
            if p.name == place.name and (building is None or low <= building <= high):
                area = micro.id
    return category, urgency, rng.choice(texts).format(place=written), written, area
