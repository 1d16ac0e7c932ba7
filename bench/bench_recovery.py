"""Restart recovery: deadlines that fell due while the service was down fire on its first ticks.

The store is seeded while no service runs: N pending deadlines a month away, plus 1,000
tickets whose accept deadline fell due during the last 10 minutes (the downtime). Then
`run.py serve` starts as its own process and another connection watches the outbox until
every overdue alert is committed. Baseline: the same start on a store with nothing due.
"after serving" is negative when the first tick fired everything before /healthz answered.
"""
from datetime import timedelta

from bench.common import table
from bench.seed import Watcher, seed_due, seed_pending
from bench.service import Service
from bench.stores import drop, fresh_url
from core.clock import SystemClock
from core.config_load import load_settings
from models.store import make_engine, migrate
from models.sync import sync_directory

DOWNTIME = timedelta(minutes=10)


def prepared(kind: str, settings, clock, pending: int, overdue: int):
    """A migrated store of this kind holding the pending and the overdue deadlines; (url, engine)."""
    url = fresh_url(kind)
    engine = make_engine(url)
    migrate(engine)
    sync_directory(engine, settings)
    now = clock.now()
    seed_pending(engine, now, pending)
    # due one after another across the downtime, the last one a second before the start
    seed_due(engine, settings, now, [now - DOWNTIME + (DOWNTIME - timedelta(seconds=1)) * (i / max(overdue, 1))
                                     for i in range(overdue)], "down")
    return url, engine


def start_seconds(url: str) -> float:
    """Seconds from spawn until the service answers HTTP, then it is stopped."""
    service = Service(url).start()
    try:
        return service.wait_serving()
    finally:
        service.stop()


def recover(kind: str, pending: int, overdue: int) -> tuple:
    """One row: start-up on an empty store vs start-up until every overdue alert has fired."""
    settings, clock = load_settings(), SystemClock()
    empty = fresh_url(kind)
    baseline = min(start_seconds(empty) for _ in range(2))  # the quicker of two: start-up is noisy here
    drop(make_engine(empty))
    url, engine = prepared(kind, settings, clock, pending, overdue)
    watcher = Watcher(engine, clock, overdue, every=0.02)  # 20 ms: enough resolution, little CPU taken
    service = Service(url)
    spawned = clock.now()
    service.start()
    watcher.start()
    try:
        serving = service.wait_serving()
        watcher.join(timeout=300)
        fired = len(watcher.seen_at)
        last = (watcher.seen_at[-1] - spawned).total_seconds() if fired else float("nan")
    finally:
        service.stop()
        drop(engine)
    return (kind, f"{pending:,}", overdue, fired, f"{baseline:.1f}", f"{serving:.1f}", f"{last:.1f}",
            f"{last - serving:.1f}", f"{last / baseline:.1f}x")


def run(pending: int = 100_000, overdue: int = 1000, engines=("sqlite", "postgresql")) -> str:
    """One row per engine."""
    return table([recover(kind, pending, overdue) for kind in engines],
                 ("engine", "pending", "fell due while down", "fired", "empty start s", "start → serving s",
                  "start → all fired s", "after serving s", "all fired / empty start"))


if __name__ == "__main__":
    print(run())
