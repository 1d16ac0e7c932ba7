"""The duties step: each scheduled thing fires once (UNIQUE schedule+slot), in one transaction."""
import logging
from datetime import datetime, timedelta

from sqlmodel import Session, select

from core.backoff import Backoff
from core.clock import utc
from dispatch.tasks import create_task
from reports.assessment import assess, ranking_text
from reports.digest import daily_digest, weekly_summary
from duties.slots import Slot, due_daily, due_duty_slots, due_monthly, due_weekly
from models import ScheduleRun, WatchedPerson, outbox
from models.rows import insert_ignore
from models.store import session

log = logging.getLogger(__name__)


class Duties:
    """Generates visit tasks, duty tasks and supervisors' reports (digest, weekly, monthly ranking) when due."""

    def __init__(self, dispatcher):
        self.deps = dispatcher.deps
        self.settings = dispatcher.deps.settings
        self.backoff = Backoff(log)

    def step(self, now: datetime) -> int:
        """Fire everything due now that has not fired yet; return how many fired."""
        fired = 0
        for duty in self.settings.duties:
            for slot in due_duty_slots(duty, now, self.deps.calendar, self.settings.school_breaks):
                fired += self._once(slot, now, lambda db, s=slot, d=duty: self._duty_task(db, d, s, now))
        for person_id, lapse in self._lapses(now):
            slot = Slot(f"watch:{person_id}", lapse.isoformat(), lapse)
            fired += self._once(slot, now, lambda db, p=person_id: self._visit_task(db, p, now))
        reports = self.settings.reports
        for member in self.settings.station.supervisors:
            daily = due_daily(f"digest:{member}", reports.daily_digest_at, now, self.deps.calendar.tz)
            if daily:
                fired += self._once(daily, now, lambda db, m=member: self._report(db, m, "digest", daily_digest, now))
            weekly = due_weekly(f"weekly:{member}", reports.weekly_summary_day, reports.weekly_summary_at, now,
                                self.deps.calendar.tz)
            if weekly:
                fired += self._once(weekly, now, lambda db, m=member: self._report(db, m, "weekly", weekly_summary, now))
        ranking = due_monthly("ranking", reports.monthly_ranking_at, now, self.deps.calendar.tz)
        if ranking:
            fired += self._once(ranking, now, lambda db: self._ranking(db, ranking.slot, now))
        return fired

    def _once(self, slot: Slot, now: datetime, effect) -> int:
        """Claim the slot and apply its effect in one transaction; 0 if another instance had it.

        A schedule whose effect fails pauses, longer after each failure in a row (core/backoff.py).
        """
        if not self.backoff.ready(slot.schedule, now):
            return 0
        try:
            with session(self.deps.engine) as db:
                if not insert_ignore(db, ScheduleRun, dict(schedule=slot.schedule, slot=slot.slot,
                                                           instance=self.deps.instance, fired_at=now),
                                     ["schedule", "slot"]):
                    return 0
                ticket_id = effect(db)
                if ticket_id:
                    run = db.exec(select(ScheduleRun).where(ScheduleRun.schedule == slot.schedule,
                                                            ScheduleRun.slot == slot.slot)).one()
                    run.ticket_id = ticket_id
                    db.add(run)
                db.commit()
        except Exception as error:
            self.backoff.failed(slot.schedule, now, error, slot=slot.slot)
            return 0
        self.backoff.succeeded(slot.schedule)
        return 1

    def _lapses(self, now: datetime) -> list[tuple[str, datetime]]:
        with session(self.deps.engine) as db:
            people = db.exec(select(WatchedPerson).where(WatchedPerson.active)).all()
        lapses = []
        for p in people:
            lapse = utc(p.last_seen_at) + timedelta(seconds=p.interval_s) if p.last_seen_at else now
            if lapse <= now:
                lapses.append((p.id, lapse))
        return lapses

    def _duty_task(self, db: Session, duty, slot: Slot, now: datetime) -> int:
        text = f"【例行勤务】{duty.name}（{slot.slot.replace('T', ' ')}）{duty.description}"
        return create_task(self.deps, db, category="duty", area_id=duty.grid, assignee=duty.assignee, text=text,
                           place=None, close_within=duty.deadline, now=now, source=f"duty:{duty.id}").id

    def _visit_task(self, db: Session, person_id: str, now: datetime) -> int:
        person = db.get(WatchedPerson, person_id)
        days = person.interval_s // 86400
        text = (f"【两天必见面】{person.name}（{person.address}）已超过{days or 1}天未见面，请上门看望，"
                f"见到后回复“见面 {person.name}”。")
        return create_task(self.deps, db, category="visit", area_id=person.grid_id, assignee=person.worker_id,
                           text=text, place=person.address, close_within=timedelta(hours=4), now=now,
                           source=f"watch:{person_id}").id

    def _ranking(self, db: Session, month: str, now: datetime) -> None:
        """Last month's ranking to the supervisors' group (月度考核)."""
        text = ranking_text(month, assess(db, self.settings, month, self.deps.calendar.tz))
        outbox.to_supervisors_group(db, key=f"ranking:{month}", text=text, now=now)

    def _report(self, db: Session, member: str, kind: str, compose, now: datetime) -> None:
        outbox.to_members(db, [member], key=f"{kind}:{now.date().isoformat()}",
                          text=compose(db, now, self.deps.calendar.tz), now=now)
        return None
