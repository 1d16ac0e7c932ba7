"""The running service's parts, built once by run.py and handed to whoever needs them."""
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from core.clock import Clock
from core.metrics import Metrics
from core.settings import Settings
from core.ticker import Ticker
from core.workcal import WorkCalendar


@dataclass
class Services:
    """Configuration, store, clock, calendar, metrics, ticker and the triage classifier."""

    settings: Settings
    engine: Engine  # writes, and reads that decide a write
    reader: Engine  # pages, the API and /healthz: reads that must not queue behind writes (models.store.make_reader)
    clock: Clock
    calendar: WorkCalendar
    metrics: Metrics
    ticker: Ticker
    classifier: Any = None  # nlp.Classifier once warmed up
    parts: dict[str, Any] = field(default_factory=dict)  # channels, dispatcher, sender...
