"""Scenario fixtures: a dispatcher on the test store, residents, triage results, the outbox."""
from dataclasses import dataclass

import pytest
from sqlmodel import select

from core.workcal import WorkCalendar
from dispatch.api import Report
from dispatch.service import Dispatcher
from models import Outbox, Resident
from models.store import session


@dataclass(frozen=True)
class FakeTriage:
    """What nlp's classify returns, with the fields dispatch reads."""

    category: str
    kind: str
    urgency: str = "normal"
    location: str | None = None
    grid_id: str | None = None
    confidence: float = 0.9
    needs_human: bool = False
    is_report: bool = True
    reasons: tuple = ()


class World:
    """The scenario's world: send reports, read what each phone received."""

    def __init__(self, settings, engine, clock):
        self.engine, self.clock = engine, clock
        calendar = WorkCalendar(settings.working_hours.periods, settings.working_hours.calendar, settings.timezone)
        self.dispatcher = Dispatcher(settings, engine, clock, calendar, instance="test")
        self._residents: dict[str, int] = {}

    def resident(self, name: str) -> int:
        if name not in self._residents:
            with session(self.engine) as db:
                row = Resident(channel="demo", external_id=name, name=name, created_at=self.clock.now())
                db.add(row)
                db.commit()
                self._residents[name] = row.id
        return self._residents[name]

    def report(self, who: str, text: str, **triage):
        triage.setdefault("location", None)
        return self.dispatcher.submit(Report(resident_id=self.resident(who), channel="demo", text=text,
                                             triage=FakeTriage(**triage)))

    def advance(self, delta: str) -> int:
        self.clock.advance(delta)
        return self.dispatcher.tick(self.clock.now())

    def inbox_of(self, recipient: str) -> list[str]:
        """Texts queued to a member id, a resident name or 'supervisors', oldest first."""
        target = str(self._residents.get(recipient, recipient))
        with session(self.engine) as db:
            rows = db.exec(select(Outbox).where(Outbox.recipient == target).order_by(Outbox.id)).all()
        return [r.payload["text"] for r in rows]

    def expect(self, to: str, contains: str) -> str:
        matching = [t for t in self.inbox_of(to) if contains in t]
        assert matching, f"{to} got no message containing {contains!r}; got {self.inbox_of(to)}"
        return matching[-1]


@pytest.fixture
def world(settings, engine, clock):
    return World(settings, engine, clock)
