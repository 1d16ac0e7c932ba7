"""Recurring duties and reports in config.yaml: 两天必见面, scheduled duties, digests."""
from datetime import timedelta
from typing import Literal

from pydantic import Field

from core.config import Duration, Strict, TimeOfDay

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


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
    times: list[TimeOfDay] = Field(min_length=1)
    deadline: Duration
    description: str = ""


class Reports(Strict):
    daily_digest_at: TimeOfDay = "08:00"
    weekly_summary_day: Weekday = "mon"
    weekly_summary_at: TimeOfDay = "08:30"
    monthly_ranking_at: TimeOfDay = "09:00"


class SchoolBreak(Strict):
    """A school vacation: school-day duties do not run from `start` to `end` inclusive."""

    start: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    end: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
