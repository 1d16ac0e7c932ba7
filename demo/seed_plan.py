"""What the people in the demo do with each ticket, as events on the seeding clock."""
from datetime import datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import select

from core.clock import Clock
from core.policy import Policy
from core.settings import Settings
from demo.seed_texts import MATTERS, UNHAPPY
from dispatch.api import DispatchPort
from models import Assignment, Ticket
from models.store import session
from web.console.filters import area_workers

SUPERVISOR = "sz_chen"
PHOTO = "/console/static/photo-placeholder.svg"


class Plan:
    """Schedules each ticket's acceptance, arrival, 办结, 回访 answer, and the odd 退单 or 督办."""

    def __init__(self, dispatcher: DispatchPort, settings: Settings, engine: Engine, clock: Clock, rng: Random,
                 diligence: dict[str, float], end: datetime):
        self.d, self.settings, self.engine, self.clock = dispatcher, settings, engine, clock
        self.rng, self.diligence, self.end = rng, diligence, end
        self.schedule = lambda at, fn: None  # set by the seeder: push an event
        self.reopened: set[int] = set()

    def now(self) -> datetime:
        return self.clock.now()

    def start(self, ticket_id: int, resident: int, stuck: bool = False) -> None:
        """A new ticket: cancel (rarely), or wait for its holder to act."""
        if self.rng.random() < 0.03:
            self.schedule(self.now() + timedelta(minutes=self.rng.randint(3, 20)), lambda: self._cancel(ticket_id, resident))
        elif not stuck:
            self._next_accept(ticket_id, resident)

    def _ticket(self, ticket_id: int) -> tuple[Ticket, str | None]:
        with session(self.engine) as db:
            ticket = db.get(Ticket, ticket_id)
            holder = db.exec(select(Assignment.member_id).where(Assignment.ticket_id == ticket_id, Assignment.active,
                                                                Assignment.role == "primary").order_by(Assignment.id)).first()
        return ticket, holder

    def _waking(self, at: datetime) -> datetime:
        """`at`, or 07:30 the next morning when `at` falls in the night."""
        local = at.astimezone(ZoneInfo(self.settings.timezone))
        if 7 <= local.hour < 22:
            return at
        day = local.date() + timedelta(days=1 if local.hour >= 22 else 0)
        return datetime.combine(day, time(7, 30), local.tzinfo)

    def _late(self, holder: str | None) -> bool:
        return self.rng.random() > self.diligence.get(holder or "", 0.8)

    def _next_accept(self, ticket_id: int, resident: int) -> None:
        ticket, holder = self._ticket(ticket_id)
        limit = Policy.of(ticket).accept.limit.total_seconds()
        factor = self.rng.uniform(1.1, 5) if self._late(holder) else self.rng.uniform(0.05, 0.9)
        self.schedule(self.now() + timedelta(seconds=limit * factor), lambda: self._accept(ticket_id, resident))
        if factor > 2 and self.rng.random() < 0.5:  # the 所长 presses by hand, in his waking hours
            self.schedule(self._waking(self.now() + timedelta(seconds=limit * 1.5)), lambda: self._press(ticket_id))

    def _accept(self, ticket_id: int, resident: int) -> bool:
        ticket, holder = self._ticket(ticket_id)
        if holder is None or ticket.status not in ("dispatched",):
            return False
        if ticket.kind == "non_police" and self.rng.random() < 0.04:
            self.d.act(holder, "return", ticket_id, "不属本网格，请改派")
            self.schedule(self.now() + timedelta(minutes=self.rng.randint(20, 90)), lambda: self._arbitrate(ticket_id, resident))
            return True
        self.d.act(holder, "accept", ticket_id)
        if ticket.kind == "non_police" and self.rng.random() < 0.03:
            self.d.act(holder, "transfer_police", ticket_id, "现场发现有人动手，需民警处置")
            self._next_accept(ticket_id, resident)
            return True
        if self.rng.random() < 0.9:  # 到场 keeps the ticket: an accepted but silent one is taken back
            self.schedule(self.now() + timedelta(minutes=self.rng.randint(5, 40)),
                          lambda: self.d.act(holder, "arrive", ticket_id))
        limit = Policy.of(ticket).close.limit.total_seconds()
        factor = self.rng.uniform(1.05, 2.5) if self._late(holder) else self.rng.uniform(0.05, 0.7)
        if self.end - self.now() < timedelta(days=4):
            factor *= 3  # the last days' work is still under way when the demo opens
        self.schedule(self.now() + timedelta(seconds=limit * factor), lambda: self._resolve(ticket_id, resident, holder))
        return True

    def _resolve(self, ticket_id: int, resident: int, holder: str) -> bool:
        ticket, _ = self._ticket(ticket_id)
        note = self.rng.choice(MATTERS.get(ticket.category, MATTERS["consultation"])[3])
        if not self.d.act(holder, "resolve", ticket_id, note).ok:
            if ticket.status in ("dispatched", "reopened"):  # taken back and re-dispatched meanwhile
                self._next_accept(ticket_id, resident)
            return False
        if self.rng.random() < 0.5:
            self.d.attach_photo(holder, PHOTO)
        answer, happy = self.rng.random(), 0.55 + 0.35 * self.diligence.get(holder, 0.8)
        wait = timedelta(hours=1, minutes=self.rng.randint(5, 600))
        if answer < happy:
            self.schedule(self.now() + wait, lambda: self.d.feedback(resident, True))
        elif answer < happy + 0.06 and ticket_id not in self.reopened:
            self.reopened.add(ticket_id)
            self.schedule(self.now() + wait, lambda: self._unhappy(ticket_id, resident))
        return True  # otherwise no answer: the 3-day deadline closes it as 默认满意

    def _unhappy(self, ticket_id: int, resident: int) -> bool:
        outcome = self.d.feedback(resident, False, self.rng.choice(UNHAPPY))
        if outcome and outcome.ok and outcome.ticket_id:  # the resident's newest resolved ticket
            self.reopened.add(outcome.ticket_id)
            self._next_accept(outcome.ticket_id, resident)
        return bool(outcome)

    def _arbitrate(self, ticket_id: int, resident: int) -> bool:
        ticket, holder = self._ticket(ticket_id)
        others = [w for w in area_workers(self.settings, ticket.grid_id) if w != holder]
        if not others:
            return self.d.supervise(SUPERVISOR, "arbitrate", ticket_id, note="请继续办理").ok
        outcome = self.d.supervise(SUPERVISOR, "arbitrate", ticket_id, member=self.rng.choice(others),
                            note="属本网格事项，改派同网格网格员")
        if outcome.ok:
            self._next_accept(ticket_id, resident)
        return outcome.ok

    def _press(self, ticket_id: int) -> bool:
        return self.d.supervise(SUPERVISOR, "press", ticket_id, note="请立即签收处置").ok

    def _cancel(self, ticket_id: int, resident: int) -> bool:
        ticket, _ = self._ticket(ticket_id)
        return self.d.cancel(resident, ticket.number).ok
