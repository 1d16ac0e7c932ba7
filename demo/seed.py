"""The demo's month of history, driven through dispatch itself so every table agrees.

Reports arrive day by day on a fake clock; the people they go to accept, arrive and close them
(some late, a few never), deadlines fire and escalate on the way, residents answer 回访 or
stay silent, a few tickets are returned, pressed or re-opened. Outbox rows written on the way
are marked sent by the demo page: they belong to the past and must not go out when the service starts.
Demo mode only: a deployment never gets this history, nor the digests and rankings it would feed.
"""
import heapq
import itertools
import logging
from datetime import datetime, time, timedelta
from random import Random

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from core.clock import FakeClock
from core.services import Services
from core.vocabulary import kind_of
from demo.seed_people import SeedTriage, choose_place, make_residents
from demo.seed_plan import Plan
from dispatch.api import DispatchPort, Report
from models import Deadline, Outbox, Ticket
from models.outbox import VIA_DEMO
from models.store import session

log = logging.getLogger(__name__)
TICK_STEP = timedelta(minutes=2)


def prepare_demo(services: Services) -> int:
    """In demo mode, the history if config asks for it; otherwise nothing (the demo password is checked at login,
    web/console/passwords.py, and never stored)."""
    demo = services.settings.demo
    return seed_demo_history(services) if demo.enabled and demo.seed_history else 0


def seed_demo_history(services: Services, days: int = 30, seed: int = 2026) -> int:
    """Seed once, into an empty store; return how many tickets were made (0 if there was history already).

    Through the service's own dispatcher, on its own clock turned back `days` for the while
    (core.clock `replaying`), before the service starts serving.
    """
    engine, settings, dispatcher, end = services.engine, services.settings, services.dispatcher, services.clock.now()
    with session(engine) as db:
        if db.exec(select(func.count()).select_from(Ticket)).one():
            return 0
    with services.clock.replaying(end - timedelta(days=days)) as clock:
        rng = Random(seed)
        residents = make_residents(engine, rng, clock.now())
        diligence = {m.id: rng.uniform(0.55, 0.97) for m in settings.members}
        plan = Plan(dispatcher, settings, engine, clock, rng, diligence, end)
        events: list = []
        counter = itertools.count()
        for day in range(days + 1):
            local_day = (end - timedelta(days=days - day)).astimezone(services.calendar.tz).date()
            weekend = local_day.weekday() >= 5
            for _ in range(rng.randint(4, 7) if weekend else rng.randint(7, 11)):
                at = datetime.combine(local_day, time(rng.choice(HOURS), rng.randrange(60)), services.calendar.tz)
                if clock.now() <= at < end:
                    heapq.heappush(events, (at, next(counter), _report_event(plan, rng, residents, at, end)))
        plan.schedule = lambda at, fn: heapq.heappush(events, (at, next(counter), fn)) if at < end else None
        while events:
            at, _, fn = heapq.heappop(events)
            _tick_until(dispatcher, engine, clock, at)
            clock.set(max(at, clock.now()))
            fn()
        _tick_until(dispatcher, engine, clock, end)
    with session(engine) as db:
        for row in db.exec(select(Outbox).where(Outbox.status == "pending")).all():
            row.status, row.sent_at, row.payload = "sent", row.created_at, row.payload | VIA_DEMO
            db.add(row)
        db.commit()
        made = db.exec(select(func.count()).select_from(Ticket)).one()
    log.info("demo history seeded", extra={"tickets": made, "days": days})
    return made


HOURS = [7, 8, 8, 9, 9, 9, 10, 10, 10, 11, 11, 13, 14, 14, 15, 15, 16, 16, 17, 18, 19, 19, 20, 21, 22, 23]


def _report_event(plan: Plan, rng: Random, residents: list[int], at: datetime, end: datetime):
    def run() -> bool:
        category, urgency, text, place, grid_id = choose_place(plan.settings, rng)
        kind = kind_of(category)
        triage = SeedTriage(category=category, kind=kind, urgency=urgency, location=place, grid_id=grid_id,
                            confidence=round(rng.uniform(0.72, 0.98), 2),
                            reasons=(f"关键词：{text[len(place):len(place) + 6]}", f"类别 {category}",
                                     f"地点：{place} → {grid_id}"))
        resident = rng.choice(residents)
        receipt = plan.d.submit(Report(resident_id=resident, channel="demo", text=text, triage=triage))
        if not receipt.merged:
            plan.start(receipt.ticket_id, resident, stuck=(end - at) < timedelta(days=4) and rng.random() < 0.45)
        return True
    return run


def _tick_until(dispatcher: DispatchPort, engine: Engine, clock: FakeClock, until: datetime) -> None:
    """Fire every deadline due before `until`, at (about) its due time."""
    while True:
        with session(engine) as db:
            due = db.exec(select(func.min(Deadline.due_at)).where(Deadline.status == "pending")).one()
        if due is None:
            return
        due = due.replace(tzinfo=clock.now().tzinfo) if due.tzinfo is None else due
        if due > until:
            return
        clock.set(max(due, clock.now()) + TICK_STEP)
        dispatcher.tick(clock.now())

