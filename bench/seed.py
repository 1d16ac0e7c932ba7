"""Rows the escalation benchmarks start from: far-off pending deadlines, and tickets whose accept deadline falls due."""
import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import func, insert
from sqlmodel import select

from dispatch.policy import snapshot
from models import Deadline, EscalationNotice, Ticket
from models.store import session

CHUNK = 10_000


class Triage:
    """A fixed triage result, so submissions measure dispatch and not the classifier."""

    category, kind, urgency, grid_id, confidence, needs_human, is_report, reasons = (
        "sanitation", "non_police", "normal", "gh-1", 0.9, False, True, ())

    def __init__(self, i):
        self.location = f"桂花苑{i % 12 + 1}栋{i}号"


def seed_pending(engine, now: datetime, count: int, first: int = 0) -> None:
    """`count` close deadlines a month away (of tickets that need not exist: they never fall due here)."""
    far = now + timedelta(days=30)
    with session(engine) as db:
        for start in range(first, first + count, CHUNK):
            db.execute(insert(Deadline), [dict(ticket_id=10**9 + i, kind="close", level=0, cycle=0, due_at=far,
                                               status="pending", data={})
                                          for i in range(start, min(first + count, start + CHUNK))])
        db.commit()


def seed_due(engine, settings, now: datetime, due_times: list[datetime], tag: str) -> None:
    """One dispatched ticket per due time, with its accept deadline due then."""
    policy = snapshot(settings, "normal").to_json()
    with session(engine) as db:
        ids = [r[0] for r in db.execute(insert(Ticket).returning(Ticket.id), [
            dict(number=f"{tag}-{i}", status="dispatched", kind="non_police", category="sanitation",
                 urgency="normal", text="bench", grid_id="gh-1", triage={}, policy=policy, photos=[], route="grid",
                 cycle=0, created_at=now, dispatched_at=now) for i in range(len(due_times))]).all()]
        db.execute(insert(Deadline), [dict(ticket_id=t, kind="accept", level=0, cycle=0, due_at=due, status="pending",
                                           data={}) for t, due in zip(ids, due_times)])
        db.commit()


def alerts_committed(engine) -> int:
    """Accept-escalation alerts pushed to the outbox (one notice per person and rung), i.e. visible to the sender."""
    with session(engine) as db:
        return db.exec(select(func.count()).select_from(EscalationNotice)
                       .where(EscalationNotice.kind == "accept", EscalationNotice.status == "sent")).one()


class Watcher(threading.Thread):
    """Another connection polling the outbox: when each alert became visible to the sender."""

    def __init__(self, engine, clock, expected: int, every: float = 0.005):
        super().__init__(daemon=True)
        self.engine, self.clock, self.expected, self.every, self.seen_at = engine, clock, expected, every, []
        self.base = alerts_committed(engine)

    def run(self) -> None:
        """Poll every `every` seconds until `expected` new alerts are visible."""
        while len(self.seen_at) < self.expected:
            visible = alerts_committed(self.engine) - self.base
            self.seen_at += [self.clock.now()] * (visible - len(self.seen_at))
            time.sleep(self.every)
