"""What bot/ needs from the running service, gathered once, and the threads its callbacks use."""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from core.clock import Clock
from core.privacy import Privacy
from core.settings import Settings
from dispatch.api import DispatchPort


class Workers:
    """The threads callbacks store and process on, and how many messages are being processed now.

    Storing has its own threads so it never waits behind processing: the row is written and the
    callback can be answered even while triage and dispatch are backed up. Owned by whoever builds
    the BotContext (run.py), which shuts them down.
    """

    def __init__(self) -> None:
        self.store = ThreadPoolExecutor(max_workers=2, thread_name_prefix="inbox-store")  # groups: bot/inbound/storing.py
        self.process = ThreadPoolExecutor(max_workers=2, thread_name_prefix="inbox-process")
        self.in_flight = 0  # changed only on the event loop

    def shutdown(self) -> None:
        """Let the running jobs finish; take no more."""
        self.store.shutdown(wait=True)
        self.process.shutdown(wait=True)


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
    storer: Any = field(default=None, repr=False)  # bot.inbound.storing.GroupStore, made on the running loop
    workers: Workers = field(default_factory=Workers, repr=False)  # run.py shuts them down
    privacy: Privacy = field(default_factory=Privacy.ephemeral, repr=False)  # run.py passes the service's one
    media: Any = None  # media.keep.Media: where photos and voice that arrive are kept (keep_media)
