"""Escalation lag (due → alert committed to the outbox) among 1k, 10k and 100k pending deadlines.

Real clock, real store, the dispatch step called in this process as the ticker calls it:
- burst: 1,000 accept deadlines fall due at one instant and the step runs at once, so the
  lag is pure processing; baseline: a bare UPDATE of the same 1,000 rows on the same engine;
- steady (largest pending only): 1,000 fall due spread over 10 s while the step runs every
  tick interval, as in service, so the lag includes waiting for the next tick; baseline: the
  interval itself.
Pending rows are topped up between sizes on one store, so each burst sees exactly N pending.
"""
import random
import time
from datetime import timedelta

from sqlalchemy import func, text
from sqlmodel import select

from bench.common import ms, pct, ratio, table
from bench.seed import Triage, Watcher, seed_due, seed_pending
from bench.stores import drop, fresh_engine
from core.clock import SystemClock
from core.config_load import load_settings
from core.workcal import WorkCalendar
from dispatch.api import Report
from dispatch.service import Dispatcher
from models import Deadline, Resident
from models.store import migrate, session
from models.sync import sync_directory

SPREAD = timedelta(seconds=10)


def pending_count(engine) -> int:
    """Deadlines waiting to fall due."""
    with session(engine) as db:
        return db.exec(select(func.count()).select_from(Deadline).where(Deadline.status == "pending")).one()


def submit_rate(dispatcher: Dispatcher, engine, count: int = 200) -> float:
    """Whole report submissions per second (triage excluded): merge check, routing, rows, pushes."""
    with session(engine) as db:
        db.add(Resident(channel="demo", external_id="bench", created_at=dispatcher.deps.clock.now()))
        db.commit()
        resident_id = db.exec(text("SELECT id FROM resident WHERE external_id = 'bench'")).scalar()
    rng = random.Random(1)
    started = time.perf_counter()
    for i in range(count):
        dispatcher.submit(Report(resident_id=resident_id, channel="demo", triage=Triage(i),
                                 text="".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(12))))
    return count / (time.perf_counter() - started)


def burst(dispatcher: Dispatcher, settings, due: int, tag: str) -> tuple[list[float], float]:
    """`due` deadlines due at once: each alert's lag from the due instant until visible; the bare UPDATE s."""
    engine, clock = dispatcher.deps.engine, dispatcher.deps.clock
    due_at = clock.now() + timedelta(seconds=0.5)
    seed_due(engine, settings, clock.now(), [due_at] * due, tag)
    watcher = Watcher(engine, clock, due)
    watcher.start()
    time.sleep(max(0.0, (due_at - clock.now()).total_seconds()))
    while dispatcher.tick(clock.now()):
        pass
    watcher.join(timeout=120)
    return [(seen - due_at).total_seconds() for seen in watcher.seen_at], bare_update(engine, tag)


def steady(dispatcher: Dispatcher, settings, count: int, interval: float) -> list[float]:
    """`count` due over 10 s, the step run every `interval` seconds: lag from each due time until visible."""
    engine, clock = dispatcher.deps.engine, dispatcher.deps.clock
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
    """Seconds for one UPDATE of the burst's deadline rows: the least any firing can cost."""
    started = time.perf_counter()
    with session(engine) as db:
        db.exec(text("UPDATE deadline SET status = 'void' WHERE ticket_id IN "
                     "(SELECT id FROM ticket WHERE number LIKE :tag)"), params={"tag": f"{tag}-%"})
        db.commit()
    return time.perf_counter() - started


def run_engine(kind: str, sizes: tuple[int, ...], due: int, intervals: tuple[float, ...]) -> tuple[list, list]:
    """Burst rows (one per pending size) and steady rows (one per interval) for one engine."""
    settings, clock = load_settings(), SystemClock()
    # how fast alerts are written at any hour: none held for quiet hours or batching (as bench_config)
    unheld = settings.escalation.model_copy(update={"quiet_hours": None, "batch_window": timedelta(0)})
    settings = settings.model_copy(update={"escalation": unheld})
    engine = fresh_engine(kind)
    migrate(engine)
    sync_directory(engine, settings)
    calendar = WorkCalendar(settings.working_hours.periods, "weekdays", settings.timezone)
    calendar.is_working_time = lambda now: True  # measure the grid route at any hour
    dispatcher = Dispatcher(settings, engine, clock, calendar, instance="bench")
    bursts, steadies = [], []
    for size in sizes:
        pending = pending_count(engine)
        seed_pending(engine, clock.now(), size - pending, first=pending)
        lags, baseline = burst(dispatcher, settings, due, f"burst{size}")
        bursts.append((kind, f"{size:,}", len(lags), ms(pct(lags, 50)), ms(pct(lags, 99)),
                       ms(max(lags, default=float("nan"))), ms(baseline),
                       ratio(pct(lags, 99), baseline)))
    for interval in intervals:
        pending = pending_count(engine)
        lags = steady(dispatcher, settings, due, interval)
        steadies.append((kind, f"{pending:,}", f"{interval:g} s", len(lags), ms(pct(lags, 50)), ms(pct(lags, 99)),
                         ratio(pct(lags, 99), interval)))
    per_second = submit_rate(dispatcher, engine)
    drop(engine)
    return bursts, [row + (f"{per_second:.0f}",) for row in steadies]


def run(sizes=(1_000, 10_000, 100_000), due: int = 1000, engines=("sqlite", "postgresql"),
        intervals: tuple[float, ...] = (1.0, 0.5)) -> str:
    """The burst table (every engine and size), then the steady table with submissions per second."""
    results = [run_engine(kind, sizes, due, intervals) for kind in engines]
    bursts = table([r for b, _ in results for r in b],
                   ("engine", "pending", "fired", "burst p50 ms", "burst p99 ms", "max ms", "bare UPDATE ms",
                    "p99 / bare"))
    steadies = table([r for _, s in results for r in s],
                     ("engine", "pending", "tick", "fired", "steady p50 ms", "steady p99 ms", "p99 / tick",
                      "tickets/s"))
    return bursts + "\n\n" + steadies


if __name__ == "__main__":
    import sys
    print(run(tuple(int(n) for n in sys.argv[1:]) or (1_000, 10_000, 100_000)))
