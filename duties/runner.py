"""The duties step: each scheduled thing fires once (UNIQUE schedule+slot), in one transaction with its effect."""
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.backoff import Backoff
from core.clock import utc
from core.settings import Settings
from core.workcal import WorkCalendar
from dispatch.api import DispatchPort
from duties.slots import Slot, due_daily, due_duty_slots, due_monthly, due_weekly
from models import ScheduleRun, Ticket, WatchedPerson, outbox
from models.rows import insert_ignore
from models.store import session
from reports.assessment import assess, ranking_text
from reports.digest import daily_digest, weekly_summary

log = logging.getLogger(__name__)


class TakenAlready(Exception):
    """Another instance fired this slot first: what was written for it is dropped."""


class Duties:
    """Generates visit tasks, duty tasks and supervisors' reports (digest, weekly, monthly ranking) when due."""

    def __init__(self, dispatcher: DispatchPort, settings: Settings, engine: Engine, calendar: WorkCalendar,
                 instance: str = "gw"):
        self.dispatcher, self.settings, self.engine, self.calendar = dispatcher, settings, engine, calendar
        self.instance = instance
        self.backoff = Backoff(log)

    def step(self, now: datetime) -> int:
        """Fire everything due now that has not fired yet; return how many fired."""
        fired = 0
        for duty in self.settings.duties:
            for slot in due_duty_slots(duty, now, self.calendar, self.settings.school_breaks):
                fired += self._once(slot, lambda s=slot, d=duty: self._duty_task(d, s, now), now)
        for person_id, lapse in self._lapses(now):
            slot = Slot(f"watch:{person_id}", lapse.isoformat(), lapse)
            fired += self._once(slot, lambda s=slot, p=person_id: self._visit_task(s, p, now), now)
        reports, tz = self.settings.reports, self.calendar.tz
        for member in self.settings.station.supervisors:
            daily = due_daily(f"digest:{member}", reports.daily_digest_at, now, tz)
            if daily:
                fired += self._once(daily, lambda s=daily, m=member: self._report(s, m, "digest", daily_digest, now),
                                    now)
            weekly = due_weekly(f"weekly:{member}", reports.weekly_summary_day, reports.weekly_summary_at, now, tz)
            if weekly:
                fired += self._once(weekly, lambda s=weekly, m=member: self._report(s, m, "weekly", weekly_summary,
                                                                                    now), now)
        ranking = due_monthly("ranking", reports.monthly_ranking_at, now, tz)
        if ranking:
            fired += self._once(ranking, lambda: self._ranking(ranking, now), now)
        return fired

    def _once(self, slot: Slot, fire: Callable[[], None], now: datetime) -> int:
        """Fire the slot unless another instance did; 1 if this call fired it.

        A schedule whose effect fails pauses, longer after each failure in a row (core/backoff.py).
        """
        if not self.backoff.ready(slot.schedule, now) or self._fired(slot):
            return 0
        try:
            fire()
        except TakenAlready:
            return 0
        except Exception as error:
            self.backoff.failed(slot.schedule, now, error, slot=slot.slot)
            return 0
        self.backoff.succeeded(slot.schedule)
        return 1

    def _fired(self, slot: Slot) -> bool:
        """Fired already (most ticks while a slot is due): a read, so no task is made only to be undone."""
        with session(self.engine) as db:
            return db.exec(select(ScheduleRun.id).where(ScheduleRun.schedule == slot.schedule,
                                                        ScheduleRun.slot == slot.slot)).first() is not None

    def _claim(self, db: Session, slot: Slot, now: datetime, ticket_id: int | None = None) -> None:
        """The slot's UNIQUE row, in the effect's transaction; TakenAlready (undoing the effect) if it exists."""
        if not insert_ignore(db, ScheduleRun, dict(schedule=slot.schedule, slot=slot.slot, ticket_id=ticket_id,
                                                   instance=self.instance, fired_at=now), ["schedule", "slot"]):
            raise TakenAlready(slot)

    def _lapses(self, now: datetime) -> list[tuple[str, datetime]]:
        with session(self.engine) as db:
            people = db.exec(select(WatchedPerson).where(WatchedPerson.active)).all()
        lapses = []
        for p in people:
            lapse = utc(p.last_seen_at) + timedelta(seconds=p.interval_s) if p.last_seen_at else now
            if lapse <= now:
                lapses.append((p.id, lapse))
        return lapses

    def _duty_task(self, duty, slot: Slot, now: datetime) -> None:
        text = f"【例行勤务】{duty.name}（{slot.slot.replace('T', ' ')}）{duty.description}"
        self.dispatcher.create_task(category="duty", area_id=duty.grid, assignee=duty.assignee, text=text, place=None,
                                    close_within=duty.deadline, source=f"duty:{duty.id}",
                                    also=lambda db, ticket_id: self._claim(db, slot, now, ticket_id))

    def _visit_task(self, slot: Slot, person_id: str, now: datetime) -> None:
        with session(self.engine) as db:
            person = db.get(WatchedPerson, person_id)
        days = person.interval_s // 86400
        text = (f"【两天必见面】{person.name}（{person.address}）已超过{days or 1}天未见面，请上门看望，"
                f"见到后回复“见面 {person.name}”。")
        self.dispatcher.create_task(category="visit", area_id=person.grid_id, assignee=person.worker_id, text=text,
                                    place=person.address, close_within=timedelta(hours=4),
                                    source=f"watch:{person_id}",
                                    also=lambda db, ticket_id: self._claim(db, slot, now, ticket_id))

    def _ranking(self, slot: Slot, now: datetime) -> None:
        """Last month's ranking to the supervisors' group (月度考核)."""
        with session(self.engine) as db:
            self._claim(db, slot, now)
            if _has_tickets(db):
                text = ranking_text(slot.slot, assess(db, self.settings, slot.slot, self.calendar.tz))
                outbox.to_supervisors_group(db, key=f"ranking:{slot.slot}", text=text, now=now)
            db.commit()

    def _report(self, slot: Slot, member: str, kind: str, compose, now: datetime) -> None:
        with session(self.engine) as db:
            self._claim(db, slot, now)
            if _has_tickets(db):
                outbox.to_members(db, [member], key=f"{kind}:{now.date().isoformat()}",
                                  text=compose(db, now, self.calendar.tz), now=now)
            db.commit()


def _has_tickets(db: Session) -> bool:
    """A store that never held a ticket has nothing to report: a new deployment's first start pushes no
    digest or ranking of a time before it (the slot is used up all the same)."""
    return db.exec(select(Ticket.id).limit(1)).first() is not None
