"""Escalation lag (due → outbox row) with many pending deadlines, and tickets dispatched per second.

Uses the real clock: K deadlines fall due at one instant among N pending ones in the future;
the ticker's step runs back to back (the service runs it every second, so add up to one
interval to these figures). Baseline: a bare UPDATE of the same K rows on the same engine.
"""
import os
import random
import sys
import tempfile
import time
from datetime import timedelta

from sqlalchemy import insert, text, update
from sqlmodel import select

from bench.common import pct, table
from core.clock import SystemClock, utc
from core.config_load import load_settings
from core.workcal import WorkCalendar
from dispatch.api import Report
from dispatch.policy import snapshot
from dispatch.service import Dispatcher
from models import Deadline, Outbox, Resident, Ticket
from models.store import make_engine, migrate, session
from models.sync import sync_directory


class Triage:
    category, kind, urgency, grid_id, confidence, needs_human, is_report, reasons = (
        "sanitation", "non_police", "normal", "gh-1", 0.9, False, True, ())

    def __init__(self, i):
        self.location = f"桂花苑{i % 12 + 1}栋{i}号"


def fresh_engine(kind: str):
    if kind == "sqlite":
        return make_engine(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    url = os.environ.get("GRIDWHISTLE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"gw_bench_{os.getpid()}"
    admin = make_engine(url)
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        c.execute(text(f"CREATE SCHEMA {schema}"))
    return make_engine(f"{url}?options=-csearch_path%3D{schema}")


def run_engine(kind: str, pending: int, due: int) -> tuple:
    settings, clock = load_settings(), SystemClock()
    engine = fresh_engine(kind)
    migrate(engine)
    sync_directory(engine, settings)
    cal = WorkCalendar(settings.working_hours.periods, "weekdays", settings.timezone)
    cal.is_working_time = lambda now: True  # measure the grid route at any hour
    dispatcher = Dispatcher(settings, engine, clock, cal, instance="bench")
    with session(engine) as db:
        db.add(Resident(channel="demo", external_id="bench", created_at=clock.now()))
        db.commit()
        resident_id = db.exec(text("SELECT id FROM resident")).scalar()
    rng = random.Random(1)
    started = time.perf_counter()
    for i in range(200):
        dispatcher.submit(Report(resident_id=resident_id, channel="demo", triage=Triage(i),
                                 text="".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(12))))
    per_second = 200 / (time.perf_counter() - started)
    now = clock.now()
    policy = snapshot(settings, "normal")
    with session(engine) as db:
        ids = [r[0] for r in db.execute(insert(Ticket).returning(Ticket.id), [
            dict(number=f"B-{i}", status="dispatched", kind="non_police", category="sanitation", urgency="normal",
                 text="bench", grid_id="gh-1", triage={}, policy=policy, photos=[], route="grid", cycle=0,
                 created_at=now, dispatched_at=now) for i in range(due)]).all()]
        far = now + timedelta(days=30)
        for start in range(0, pending, 10000):
            db.execute(insert(Deadline), [dict(ticket_id=10**9 + i, kind="close", level=0, cycle=0, due_at=far,
                                               status="pending", data={}) for i in range(start, min(pending, start + 10000))])
        db.execute(insert(Deadline), [dict(ticket_id=t, kind="accept", level=0, cycle=0, due_at=now, status="pending",
                                           data={}) for t in ids])
        db.commit()
    now = clock.now()  # they fall due now, after the set-up, so set-up time is not counted as lag
    with session(engine) as db:
        db.exec(update(Deadline).where(Deadline.ticket_id.in_(ids)).values(due_at=now))
        db.commit()
    while dispatcher.tick(clock.now()):
        pass
    with session(engine) as db:
        created = [utc(c) for c in db.exec(select(Outbox.created_at).where(Outbox.idem_key.like("%:esc:%"))).all()]
    lags = [(c - now).total_seconds() for c in created]
    baseline_started = time.perf_counter()
    with session(engine) as db:
        db.exec(update(Deadline).where(Deadline.ticket_id.in_(ids)).values(status="void"))
        db.commit()
    baseline = time.perf_counter() - baseline_started
    engine.dispose()
    return (kind, f"{pending:,}", len(lags), f"{pct(lags, 50) * 1000:.0f}", f"{pct(lags, 99) * 1000:.0f}",
            f"{baseline * 1000:.0f}", f"{per_second:.0f}")


def run(pending: int = 100_000, due: int = 1000, engines=("sqlite", "postgresql")) -> str:
    rows = [run_engine(kind, pending, due) for kind in engines]
    return table(rows, ("engine", "pending", "fired", "lag p50 ms", "lag p99 ms", "bare UPDATE ms", "tickets/s"))


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
