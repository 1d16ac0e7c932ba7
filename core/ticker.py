"""The ticker: APScheduler interval jobs that run the background steps, one cycle at a time per lane.

It holds no business state: every step claims its work from database rows, so a restart,
a missed tick or a second instance changes nothing about what happens, only when.

Steps run in lanes, one job each: a lane waits only for itself. Outbound delivery has its own
lane because it waits on WeChat's servers (up to the HTTP timeout per call); deadlines and the
inbox must keep firing while WeChat is slow. Liveness (/healthz) follows the main lane.

Each lane also has threads of its own for its blocking work: the event loop's default threads
serve the HTTP handlers, and a flood of requests queued there must not hold up a deadline.
"""
import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from core.clock import Clock
from core.metrics import Metrics

log = logging.getLogger(__name__)

# A step takes "now" and returns how much work it did (rows claimed, messages sent).
Step = Callable[[datetime], Awaitable[int] | int]
MAIN = "main"


class Ticker:
    """Runs named steps every `interval`; healthy while cycles keep completing."""

    def __init__(self, clock: Clock, interval: timedelta, metrics: Metrics | None = None):
        self.clock, self.interval, self.metrics = clock, interval, metrics
        self.lanes: dict[str, list[tuple[str, Step]]] = {MAIN: []}
        self._threads: dict[str, int] = {}
        self._wakes: dict[str, timedelta] = {}
        self._eager: list[asyncio.Task[None]] = []
        self._executors: dict[str, ThreadPoolExecutor] = {}
        self.last_cycle_at: float | None = None  # monotonic seconds of the main lane, for liveness only
        self._scheduler: AsyncIOScheduler | None = None

    @property
    def steps(self) -> list[tuple[str, Step]]:
        """Every step of every lane."""
        return [step for lane in self.lanes.values() for step in lane]

    def add_step(self, name: str, step: Step, lane: str = MAIN) -> None:
        """Register a step; steps of one lane run in the order added."""
        self.lanes.setdefault(lane, []).append((name, step))

    def add_lane(self, lane: str, threads: int = 1, wake: timedelta | None = None) -> None:
        """Give a lane more than the one thread it has by default (its async steps may use them too). With
        `wake` the lane is eager: it cycles again at once while its steps find work, else after `wake`
        (work that must be picked up within tens of milliseconds, where a scheduler's job would be late)."""
        self.lanes.setdefault(lane, [])
        self._threads[lane] = threads
        if wake is not None:
            self._wakes[lane] = wake

    def executor(self, lane: str = MAIN) -> ThreadPoolExecutor:
        """The lane's own threads: its blocking steps run there, never on the loop's default threads."""
        if lane not in self._executors:
            self._executors[lane] = ThreadPoolExecutor(max_workers=self._threads.get(lane, 1),
                                                       thread_name_prefix=f"tick-{lane}")
        return self._executors[lane]

    async def cycle(self, lane: str = MAIN) -> int:
        """Run every step of the lane once; a failing step is logged and does not stop the others."""
        started, done = time.perf_counter(), 0
        for name, step in self.lanes.get(lane, []):
            try:
                if asyncio.iscoroutinefunction(step):
                    result = await step(self.clock.now())
                else:  # blocking database work stays off the event loop, on the lane's own threads
                    result = await asyncio.get_running_loop().run_in_executor(self.executor(lane), step,
                                                                              self.clock.now())
                done += int(result or 0)
            except Exception:
                log.exception("ticker step failed", extra={"step": name})
                if self.metrics:
                    self.metrics.tick_errors.labels(name).inc()
        if lane == MAIN:
            if self.metrics:
                self.metrics.tick_seconds.observe(time.perf_counter() - started)
            self.last_cycle_at = time.monotonic()
        return done

    def start(self) -> None:
        """Begin ticking on the running event loop, one job per lane; the first cycles run at once."""
        self._scheduler = AsyncIOScheduler()
        for lane in self.lanes:
            if lane in self._wakes:
                self._eager.append(asyncio.get_running_loop().create_task(self._cycle_eagerly(lane)))
                continue
            self._scheduler.add_job(self.cycle, "interval", args=[lane], id=f"lane:{lane}",
                                    seconds=self.interval.total_seconds(), max_instances=1, coalesce=True,
                                    misfire_grace_time=None, next_run_time=datetime.now().astimezone())
        self._scheduler.start()

    async def _cycle_eagerly(self, lane: str) -> None:
        while True:
            if not await self.cycle(lane):
                await asyncio.sleep(self._wakes[lane].total_seconds())

    def stop(self) -> None:
        """Stop scheduling new cycles."""
        if self._scheduler and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        for task in self._eager:
            task.cancel()

    def close(self) -> None:
        """After stop(): let the running steps finish and end the lanes' threads."""
        for executor in self._executors.values():
            executor.shutdown(wait=True)

    def alive(self) -> bool:
        """True if a cycle completed recently (within 10 intervals, at least 10 s)."""
        if self.last_cycle_at is None:
            return False
        allowance = max(10.0, 10 * self.interval.total_seconds())
        return time.monotonic() - self.last_cycle_at < allowance
