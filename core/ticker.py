"""The ticker: an APScheduler interval job that runs the background steps, one cycle at a time.

It holds no business state: every step claims its work from database rows, so a restart,
a missed tick or a second instance changes nothing about what happens, only when.
"""
import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.clock import Clock
from core.metrics import Metrics

log = logging.getLogger(__name__)

# A step takes "now" and returns how much work it did (rows claimed, messages sent).
Step = Callable[[datetime], Awaitable[int] | int]


class Ticker:
    """Runs named steps every `interval`; healthy while cycles keep completing."""

    def __init__(self, clock: Clock, interval: timedelta, metrics: Metrics | None = None):
        self.clock, self.interval, self.metrics = clock, interval, metrics
        self.steps: list[tuple[str, Step]] = []
        self.last_cycle_at: float | None = None  # monotonic seconds, for liveness only
        self._scheduler: AsyncIOScheduler | None = None

    def add_step(self, name: str, step: Step) -> None:
        """Register a step; steps run in the order added."""
        self.steps.append((name, step))

    async def cycle(self) -> int:
        """Run every step once; a failing step is logged and does not stop the others."""
        started, done = time.perf_counter(), 0
        for name, step in self.steps:
            try:
                if asyncio.iscoroutinefunction(step):
                    result = await step(self.clock.now())
                else:  # blocking database work stays off the event loop
                    result = await asyncio.to_thread(step, self.clock.now())
                done += int(result or 0)
            except Exception:
                log.exception("ticker step failed", extra={"step": name})
                if self.metrics:
                    self.metrics.tick_errors.labels(name).inc()
        if self.metrics:
            self.metrics.tick_seconds.observe(time.perf_counter() - started)
        self.last_cycle_at = time.monotonic()
        return done

    def start(self) -> None:
        """Begin ticking on the running event loop; the first cycle runs at once."""
        self._scheduler = AsyncIOScheduler()
        self._scheduler.add_job(self.cycle, "interval", seconds=self.interval.total_seconds(),
                                max_instances=1, coalesce=True, misfire_grace_time=None,
                                next_run_time=datetime.now().astimezone())
        self._scheduler.start()

    def stop(self) -> None:
        """Stop scheduling new cycles."""
        if self._scheduler and self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def alive(self) -> bool:
        """True if a cycle completed recently (within 10 intervals, at least 10 s)."""
        if self.last_cycle_at is None:
            return False
        allowance = max(10.0, 10 * self.interval.total_seconds())
        return time.monotonic() - self.last_cycle_at < allowance
