"""Alert volume over the demo's seeded month: pushes per person per day, escalations per ticket, nights.

The month is seeded through dispatch exactly as `make run` seeds the demo (demo/seed.py,
same random seed), ending at a fixed moment so every run reads the same month; the figures
are what the people of the demo community would have received.
"""
from datetime import datetime
from statistics import median

from bench.alert_volume import Volume, measure
from bench.common import table
from bench.stores import drop, fresh_engine
from core.clock import FakeClock
from core.config_load import load_settings
from demo.seed import seed_demo_history
from dispatch.service import Dispatcher
from models.store import migrate
from models.sync import sync_directory
from tests.helpers import make_services

END = datetime.fromisoformat("2026-11-24T10:00:00+08:00")
DAYS = 30
ROLES = {"supervisor": "所领导", "duty_officer": "值班民警", "officer": "社区民警", "instructor": "网格指导员",
         "grid_leader": "网格长", "grid_worker": "网格员"}


def seeded_month(engine, settings) -> Volume:
    """Seed the demo's month into an empty migrated store and measure it."""
    migrate(engine)
    sync_directory(engine, settings)
    services = make_services(settings, engine, FakeClock(END))
    services.dispatcher = Dispatcher(settings, engine, services.clock, services.calendar, services.metrics)
    seed_demo_history(services, days=DAYS)
    return measure(engine, settings.timezone, END, DAYS)


def run(engines=("sqlite", "postgresql"), people: int = 12) -> str:
    """Per person (first engine), then the escalation figures per engine."""
    settings = load_settings()
    volumes = {}
    for kind in engines:
        engine = fresh_engine(kind)
        try:
            volumes[kind] = seeded_month(engine, settings)
        finally:
            drop(engine)
    first = volumes[engines[0]]
    members = {m.id: m for m in settings.members}
    busiest = sorted(first.pushes, key=lambda m: -sum(first.per_day(m)))[:people]
    rows = [(m, members[m].name if m in members else "所领导群", ROLES.get(members[m].roles[0], "") if m in members
             else "群机器人", sum(first.per_day(m)), sum(first.per_day(m, True)), f"{first.median_day(m):g}",
             first.worst_day(m), max(first.per_day(m, True))) for m in busiest]
    per_person = table(rows, ("recipient", "name", "role", "pushes", "escalation pushes", "median/day",
                              "worst day", "worst day (escalations)"))
    figures = table([(kind, len(v.escalations), sum(v.escalations.values()), max(v.escalations.values(), default=0),
                      f"{median(v.escalations.values()) if v.escalations else 0:g}",
                      sum(1 for n in v.escalations.values() if n > 12), len(v.night_escalation_pushes),
                      v.close_never_accepted, v.night_presses) for kind, v in volumes.items()],
                    ("engine", "tickets escalated", "escalations", "max per ticket", "median per escalated ticket",
                     "tickets > 12", "night non-emergency escalation pushes", "close rungs never accepted",
                     "night 督办 by hand"))
    return per_person + "\n\n" + figures


if __name__ == "__main__":
    print(run())
