"""The Clock port: logic asks it for the time instead of calling datetime.now()."""
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Protocol

from core.durations import parse_duration


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""


class SystemClock:
    """The real wall clock (which startup may turn back for a while, see `replaying`)."""

    def __init__(self) -> None:
        self._replay: "FakeClock | None" = None

    def now(self) -> datetime:
        return self._replay.now() if self._replay is not None else datetime.now(timezone.utc)

    @contextmanager
    def replaying(self, start: datetime) -> Iterator["FakeClock"]:
        """Read a fake clock from `start` until the block ends: the demo writes its month of history through
        the service's own dispatcher this way, before the service starts serving."""
        self._replay = FakeClock(start)
        try:
            yield self._replay
        finally:
            self._replay = None


class FakeClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, start: datetime | str = "2026-11-24T02:00:00+00:00"):
        if isinstance(start, str):
            start = datetime.fromisoformat(start)
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(timezone.utc)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: str | timedelta | int) -> datetime:
        """Move forward by '10m', a timedelta or seconds; return the new time."""
        self._now += parse_duration(delta)
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to an absolute aware time."""
        self._now = when.astimezone(timezone.utc)

    @contextmanager
    def replaying(self, start: datetime) -> Iterator["FakeClock"]:
        """Go back to `start` for the block (moved on by whoever replays), then return to the time it was."""
        before = self._now
        self.set(start)
        try:
            yield self
        finally:
            self._now = before


def utc(dt: datetime) -> datetime:
    """Treat a naive datetime read back from the database as UTC."""
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


__all__ = ["Clock", "SystemClock", "FakeClock", "utc"]
