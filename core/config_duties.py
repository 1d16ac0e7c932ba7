"""Recurring duties and reports in config.yaml: 两天必见面, scheduled duties, digests."""
from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator

from core.config import Duration, Strict

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _time_of_day(value: str) -> str:
    hh, _, mm = value.partition(":")
    if not (hh.isdigit() and mm.isdigit() and len(mm) == 2 and int(hh) < 24 and int(mm) < 60):
        raise ValueError(f"bad time of day {value!r}: write it like 07:30")
    return value


class WatchedPerson(Strict):
    """Someone living alone who must be seen every `interval` (两天必见面)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    address: str
    grid: str
    worker: str
    interval: Duration | None = None  # default: watch.default_interval
    aliases: list[str] = []


class Watch(Strict):
    default_interval: Duration = timedelta(days=2)
    people: list[WatchedPerson] = []


class Duty(Strict):
    """A task generated on a schedule: school-gate duty, weekly venue checks."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    grid: str
    assignee: str
    days: Literal["working", "school", "every"] | list[Weekday] = "working"
    times: list[str] = Field(min_length=1)
    deadline: Duration
    description: str = ""

    @field_validator("times")
    @classmethod
    def _times(cls, times):
        return [_time_of_day(t) for t in times]


class Reports(Strict):
    daily_digest_at: str = "08:00"
    weekly_summary_day: Weekday = "mon"
    weekly_summary_at: str = "08:30"
    monthly_ranking_at: str = "09:00"

    @field_validator("daily_digest_at", "weekly_summary_at", "monthly_ranking_at")
    @classmethod
    def _times(cls, value):
        return _time_of_day(value)


class SchoolBreak(Strict):
    """A school vacation: school-day duties do not run from `start` to `end` inclusive."""

    start: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    end: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
