"""Escalation lag (due → outbox row committed) with 100,000 pending deadlines, and tickets dispatched per second.

Real clock, real store. Two shapes of load, each among N pending deadlines due in a month:
- burst: K accept deadlines fall due at one instant and the dispatch step runs at once: the
  lag is pure processing, from the due instant to the commit that made each alert visible;
- steady: K deadlines fall due spread over 10 s while the step runs every ticker interval (1 s
  as configured, and 0.5 s), as the service runs it: the lag includes waiting for the next tick.
Baseline: a bare UPDATE of the same K rows on the same engine.
"""
import os
import random
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import func, insert, text
from sqlmodel import select

from bench.common import pct, table
from core.clock import SystemClock
from core.config_load import load_settings
from core.workcal import WorkCalendar
from dispatch.api import Report
from dispatch.policy import snapshot
from dispatch.service import Dispatcher
from models import Deadline, Outbox, Resident, Ticket
from models.store import make_engine, migrate, session
from models.sync import sync_directory

SPREAD = timedelta(seconds=10)


class Triage:
    category, kind, urgency, grid_id, confidence, needs_human, is_report, reasons = (
        "sanitation", "non_police", "normal", "gh-1", 0.9, False, True, ())

    def __init__(self, i):
        self.location = f"桂花苑{i % 12 + 1}栋{i}号"


def fresh_engine(kind: str):
    """An empty store: a temp SQLite file, or a private PostgreSQL schema."""
    if kind == "sqlite":
        return make_engine(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    url = os.environ.get("GRIDWHISTLE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"gw_bench_{os.getpid()}"
    admin = make_engine(url)
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        c.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return make_engine(f"{url}?options=-csearch_path%3D{schema}")


def drop(engine) -> None:
    """Remove the PostgreSQL schema the run used."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as c:
            schema = c.execute(text("SELECT current_schema()")).scalar()
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def submit_rate(dispatcher: Dispatcher, engine, count: int = 200) -> float:
    """Whole report submissions per second (triage excluded): merge check, routing, rows, pushes."""
    with session(engine) as db:
        db.add(Resident(channel="demo", external_id="bench", created_at=dispatcher.deps.clock.now()))
        db.commit()
        resident_id = db.exec(text("SELECT id FROM resident")).scalar()
    rng = random.Random(1)
    started = time.perf_counter()
    for i in range(count):
        dispatcher.submit(Report(resident_id=resident_id, channel="demo", triage=Triage(i),
                                 text="".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(12))))
    return count / (time.perf_counter() - started)


def seed_pending(engine, now: datetime, pending: int) -> None:
    """`pending` deadlines a month away (of tickets that need not exist: they never fall due here)."""
    far = now + timedelta(days=30)
    with session(engine) as db:
        for start in range(0, pending, 10000):
            db.execute(insert(Deadline), [dict(ticket_id=10**9 + i, kind="close", level=0, cycle=0, due_at=far,
                                               status="pending", data={})
                                          for i in range(start, min(pending, start + 10000))])
        db.commit()


def seed_due(engine, settings, now: datetime, due_times: list[datetime], tag: str) -> None:
    """One dispatched ticket per due time, with its accept deadline due then."""
    policy = snapshot(settings, "normal")
    with session(engine) as db:
        ids = [r[0] for r in db.execute(insert(Ticket).returning(Ticket.id), [
            dict(number=f"{tag}-{i}", status="dispatched", kind="non_police", category="sanitation",
                 urgency="normal", text="bench", grid_id="gh-1", triage={}, policy=policy, photos=[], route="grid",
                 cycle=0, created_at=now, dispatched_at=now) for i in range(len(due_times))]).all()]
        db.execute(insert(Deadline), [dict(ticket_id=t, kind="accept", level=0, cycle=0, due_at=due, status="pending",
                                           data={}) for t, due in zip(ids, due_times)])
        db.commit()


def alerts_committed(engine) -> int:
    with session(engine) as db:
        return db.exec(select(func.count()).select_from(Outbox).where(Outbox.idem_key.like("%:esc:accept:%"))).one()


class Watcher(threading.Thread):
    """Another connection polling the outbox: when each alert became visible to the sender."""

    def __init__(self, engine, clock, expected: int):
        super().__init__(daemon=True)
        self.engine, self.clock, self.expected, self.seen_at = engine, clock, expected, []

    def run(self) -> None:
        base = alerts_committed(self.engine)
        while len(self.seen_at) < self.expected:
            visible = alerts_committed(self.engine) - base
            self.seen_at += [self.clock.now()] * (visible - len(self.seen_at))
            time.sleep(0.005)


def burst(dispatcher: Dispatcher, engine, settings, pending: int, due: int) -> tuple[list[float], float]:
    """K due at once: lag of each alert from the due instant until the sender could see it."""
    clock = dispatcher.deps.clock
    seed_pending(engine, clock.now(), pending)
    due_at = clock.now() + timedelta(seconds=0.5)
    seed_due(engine, settings, clock.now(), [due_at] * due, "burst")
    watcher = Watcher(engine, clock, due)
    watcher.start()
    time.sleep(max(0.0, (due_at - clock.now()).total_seconds()))
    while dispatcher.tick(clock.now()):
        pass
    watcher.join(timeout=60)
    return [(seen - due_at).total_seconds() for seen in watcher.seen_at], bare_update(engine, "burst")


def steady(dispatcher: Dispatcher, engine, settings, count: int, interval: float) -> list[float]:
    """K due over 10 s, the step run every `interval` seconds: lag from each due time until visible."""
    clock = dispatcher.deps.clock
    start = clock.now() + timedelta(seconds=0.5)
    due_times = [start + SPREAD * (i / count) for i in range(count)]
    seed_due(engine, settings, clock.now(), due_times, f"steady{interval}")
    watcher = Watcher(engine, clock, count)
    watcher.start()
    while watcher.is_alive():
        started = time.perf_counter()
        dispatcher.tick(clock.now())
        time.sleep(max(0.0, interval - (time.perf_counter() - started)))
    # the step claims in due order, so the i-th alert seen is the i-th due
    return [(seen - due).total_seconds() for seen, due in zip(watcher.seen_at, due_times)]


def bare_update(engine, tag: str) -> float:
    started = time.perf_counter()
    with session(engine) as db:
        db.exec(text("UPDATE deadline SET status = 'void' WHERE ticket_id IN "
                     "(SELECT id FROM ticket WHERE number LIKE :tag)"), params={"tag": f"{tag}-%"})
        db.commit()
    return time.perf_counter() - started


def run_engine(kind: str, pending: int, due: int, intervals: tuple[float, ...]) -> tuple:
    settings, clock = load_settings(), SystemClock()
    engine = fresh_engine(kind)
    migrate(engine)
    sync_directory(engine, settings)
    calendar = WorkCalendar(settings.working_hours.periods, "weekdays", settings.timezone)
    calendar.is_working_time = lambda now: True  # measure the grid route at any hour
    dispatcher = Dispatcher(settings, engine, clock, calendar, instance="bench")
    per_second = submit_rate(dispatcher, engine)
    burst_lags, baseline = burst(dispatcher, engine, settings, pending, due)
    steady_p99 = [pct(steady(dispatcher, engine, settings, due, interval), 99) for interval in intervals]
    drop(engine)
    ms = lambda seconds: f"{seconds * 1000:.0f}"  # noqa: E731
    return (kind, f"{pending:,}", len(burst_lags), ms(pct(burst_lags, 50)), ms(pct(burst_lags, 99)),
            *map(ms, steady_p99), ms(baseline), f"{per_second:.0f}")


def run(pending: int = 100_000, due: int = 1000, engines=("sqlite", "postgresql"),
        intervals: tuple[float, ...] = (1.0, 0.5)) -> str:
    """One row per engine."""
    rows = [run_engine(kind, pending, due, intervals) for kind in engines]
    return table(rows, ("engine", "pending", "fired", "burst p50 ms", "burst p99 ms",
                        *(f"steady p99 ms @{i:g}s tick" for i in intervals), "bare UPDATE ms", "tickets/s"))


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
