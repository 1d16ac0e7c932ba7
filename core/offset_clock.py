"""The demo's clock: the wall clock plus an offset that the demo's 快进 buttons move forward.

Used only in demo mode (run.py), so a visitor can see deadlines, escalations, 回访 and duties
fire without waiting; everything that reads the time already gets this object, so nothing
else changes. Time never goes back: the offset only grows.
"""
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from core.clock import FakeClock, SystemClock
from core.durations import parse_duration


class OffsetClock:
    """`base.now()` moved forward by a growing offset."""

    def __init__(self, base: SystemClock | FakeClock, offset: timedelta = timedelta(0)):
        self.base = base
        self._offset = max(offset, timedelta(0))
        self._lock = threading.Lock()

    @property
    def offset(self) -> timedelta:
        """How far ahead of the wall clock this clock is."""
        return self._offset

    def now(self) -> datetime:
        """The wall clock's time plus the offset."""
        return self.base.now() + self._offset

    def advance(self, delta: str | timedelta | int) -> datetime:
        """Jump forward by '10m', '1h', '1d', a timedelta or seconds; return the new time."""
        step = parse_duration(delta)
        if step < timedelta(0):
            raise ValueError("the demo clock only goes forward")
        with self._lock:
            self._offset += step
        return self.now()

    def catch_up(self, offset: timedelta) -> None:
        """Take an offset kept from an earlier run, if it is ahead of ours (a restart keeps the demo's time)."""
        with self._lock:
            self._offset = max(self._offset, offset)

    @contextmanager
    def replaying(self, start: datetime) -> Iterator[FakeClock]:
        """The base clock's replay from `start` (the demo seeds its history so before serving); the offset is
        set aside meanwhile, so what reads this clock sees the replayed time itself."""
        with self._lock:
            kept, self._offset = self._offset, timedelta(0)
        try:
            with self.base.replaying(start) as replay:
                yield replay
        finally:
            with self._lock:
                self._offset = max(self._offset, kept)


__all__ = ["OffsetClock"]
