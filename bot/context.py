"""What bot/ needs from the running service, gathered once, and the threads its callbacks use."""
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from core.clock import Clock
from core.privacy import Privacy
from core.settings import Settings
from dispatch.api import DispatchPort


class WorkerQueue:
    """Whose messages this process's inbox worker has to get through: left to it and not yet claimed, or
    claimed and being drained. A new callback's message goes behind them (stored for the worker) when its
    conversation has one there, so a resident's second message is never answered before their first, or
    when more than SPILL wait, since then processing in the callback would take the CPU the worker is
    short of from the event loop that acknowledges. A few messages spilled at a moment's load (the backlog
    switch in bot/inbound/receive.py) no longer send everyone's after them the slow way, through the
    outbox at twice the CPU, until the worker has caught up: with any one waiting enough to divert all,
    PostgreSQL at 50 msg/s answered 13-65 of 250 in the callback in 3 of 5 runs; with 32, 227-250 in 5 of 5."""

    SPILL = 32

    def __init__(self) -> None:
        self._lock = threading.Lock()  # the loop leaves messages, the ticker's thread claims them
        self._left: Counter[str] = Counter()  # messages a conversation has left to the worker, not yet claimed
        self._held: Counter[str] = Counter()  # and claimed, being drained

    def left(self, conversation: str) -> None:
        """A callback stored its message for the worker."""
        with self._lock:
            self._left[conversation] += 1

    def took(self, conversations: list[str], all_waiting: bool) -> None:
        """The worker claimed the messages of these conversations (one entry a message); `all_waiting` if
        that was every one there was."""
        with self._lock:
            self._held = Counter(conversations)
            if all_waiting:
                self._left.clear()
            else:
                self._left.subtract(conversations)
                self._left = +self._left  # drops the conversations left with nothing

    def drained(self) -> None:
        """The worker got through what it claimed."""
        with self._lock:
            self._held = Counter()

    def busy(self, conversation: str | None = None) -> bool:
        """Whether a message of `conversation` (of anyone's, when None) must go behind the worker's."""
        with self._lock:
            waiting = self._left.total() + self._held.total()
            if conversation is None or waiting > self.SPILL:
                return waiting > 0
            return conversation in self._left or conversation in self._held


class Workers:
    """The threads callbacks store and process on, the inbox worker's, and how many messages are being
    processed now.

    Storing has its own threads so it never waits behind processing: the row is written and the
    callback can be answered even while triage and dispatch are backed up. The inbox worker drains
    what was left to it on `drain` threads (`ticker.inbox_threads`), apart from the callbacks' so a
    backlog being drained does not hold up the callbacks still answered in time. Owned by whoever
    builds the BotContext (run.py), which shuts them down.
    """

    def __init__(self, drain_threads: int = 2) -> None:
        self.store = ThreadPoolExecutor(max_workers=2, thread_name_prefix="inbox-store")  # groups: bot/inbound/storing.py
        self.process_threads = 2
        self.process = ThreadPoolExecutor(max_workers=self.process_threads, thread_name_prefix="inbox-process")
        self.drain = ThreadPoolExecutor(max_workers=drain_threads, thread_name_prefix="inbox-drain")
        self.drain_threads = drain_threads
        self.in_flight = 0  # changed only on the event loop
        self.queue = WorkerQueue()

    def shutdown(self) -> None:
        """Let the running jobs finish; take no more."""
        for pool in (self.store, self.process, self.drain):
            pool.shutdown(wait=True)


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
    answers: Any = field(default=None, repr=False)  # bot.inbound.awaiting.Answers, beside it (processing: separate)
    processed_elsewhere: bool = False  # a serving process of server.processing: separate stores and waits only
    workers: Workers = field(default_factory=Workers, repr=False)  # run.py shuts them down
    privacy: Privacy = field(default_factory=Privacy.ephemeral, repr=False)  # run.py passes the service's one
    media: Any = None  # media.keep.Media: where photos and voice that arrive are kept (keep_media)
