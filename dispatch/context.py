"""What dispatch's functions share: config, directory, calendar, clock, metrics, engine."""
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from core.clock import Clock
from core.directory import Directory
from core.settings import Settings
from core.workcal import WorkCalendar


@dataclass
class Deps:
    """Dispatch's dependencies, built once."""

    settings: Settings
    engine: Engine
    clock: Clock
    calendar: WorkCalendar
    directory: Directory
    metrics: Any = None
    instance: str = "gw"

    def member_name(self, member_id: str) -> str:
        """A member's display name (the id if unknown)."""
        try:
            return self.settings.member(member_id).name
        except StopIteration:
            return member_id
