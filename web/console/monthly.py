"""The ticker step that pushes last month's ranking to the supervisors' group on the 1st, once.

Exactly once across instances and restarts: the ScheduleRun row (schedule "ranking", slot
"YYYY-MM") is inserted in the same transaction as the outbox message. A 1st missed while the
service was down is made up on the first tick of the 2nd or 3rd.
"""
from datetime import datetime, time, timedelta

from core.services import Services
from dispatch import outbox
from models import ScheduleRun
from models.rows import insert_ignore
from models.store import session
from web.console.assessment import assess, ranking_text

MAKE_UP_DAYS = 3


class MonthlyRanking:
    """`step(now)` for the ticker: run.py adds it with ticker.add_step("ranking", MonthlyRanking(services).step)."""

    def __init__(self, services: Services):
        self.services = services
        self.tz = services.calendar.tz

    def due_month(self, now: datetime) -> str | None:
        """The month to publish now, or None."""
        local = now.astimezone(self.tz)
        at = time.fromisoformat(self.services.settings.reports.monthly_ranking_at)
        if local.day > MAKE_UP_DAYS or (local.day == 1 and local.time() < at):
            return None
        return (local.date().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")

    def step(self, now: datetime) -> int:
        """Publish if due and not yet published; 1 if it did."""
        month = self.due_month(now)
        if month is None:
            return 0
        with session(self.services.engine) as db:
            if not insert_ignore(db, ScheduleRun, dict(schedule="ranking", slot=month, fired_at=now), ["schedule", "slot"]):
                return 0
            text = ranking_text(month, assess(db, self.services.settings, month, self.tz))
            outbox.to_supervisors_group(db, key=f"ranking:{month}", text=text, now=now)
            db.commit()
        return 1
