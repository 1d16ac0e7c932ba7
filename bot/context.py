"""What bot/ needs from the running service, gathered once."""
from dataclasses import dataclass, field
from typing import Any

from core.clock import Clock
from core.settings import Settings
from dispatch.api import DispatchPort


@dataclass
class BotContext:
    """Settings, store, clock, triage and dispatch, as bot/ uses them."""

    settings: Settings
    engine: Any
    clock: Clock
    classifier: Any  # nlp Classifier: classify(text) -> Triage
    dispatcher: DispatchPort
    metrics: Any = None
    instance: str = "gw"
    storer: Any = field(default=None, repr=False)  # bot.storing.GroupStore, made on the running loop
