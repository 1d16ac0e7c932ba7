"""How much the service pushes at people: per person per day, escalations per ticket, at night.

Read from the store after the demo's month is seeded through dispatch (demo/seed.py):
the outbox (every push), the escalation rows, and the notices that say which escalation push
carried which tickets. Days are local (config `timezone`), every day of the month counted,
quiet ones too.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from sqlmodel import select

from core.clock import utc
from models import AuditLog, Escalation, EscalationNotice, Outbox, Ticket
from models.store import session

NIGHT = (22, 7)  # 22:00-07:00 local: no non-emergency escalation push may go out


@dataclass
class Volume:
    """The figures, as read from the store."""

    days: list[date]
    pushes: dict[str, Counter] = field(default_factory=dict)  # member → local day → personal pushes
    escalation_pushes: dict[str, Counter] = field(default_factory=dict)  # the same, escalations only
    escalations: Counter = field(default_factory=Counter)  # ticket id → rungs climbed
    night_escalation_pushes: list[Outbox] = field(default_factory=list)  # non-emergency, 22:00-07:00
    night_presses: int = 0  # supervisors' own 督办 by hand at night (not escalations)
    close_never_accepted: int = 0  # close-ladder rungs of tickets nobody ever accepted

    def per_day(self, member: str, escalations_only: bool = False) -> list[int]:
        """The member's pushes on each day of the month."""
        counts = (self.escalation_pushes if escalations_only else self.pushes).get(member, Counter())
        return [counts[d] for d in self.days]

    def median_day(self, member: str) -> float:
        """Personal pushes on the median day."""
        return median(self.per_day(member))

    def worst_day(self, member: str) -> int:
        """Personal pushes on the busiest day."""
        return max(self.per_day(member))


def measure(engine, tz: str, end: datetime, days: int) -> Volume:
    """The figures for the `days` local days up to `end`."""
    zone = ZoneInfo(tz)
    first = (end - timedelta(days=days)).astimezone(zone).date()
    volume = Volume([first + timedelta(days=i) for i in range(days + 1)])
    with session(engine) as db:
        rows = db.exec(select(Outbox).where(Outbox.channel == "member")).all()
        group = db.exec(select(Outbox).where(Outbox.channel == "supervisors_group")).all()
        volume.escalations = Counter(db.exec(select(Escalation.ticket_id)).all())
        emergency = set(db.exec(select(Ticket.id).where(Ticket.urgency == "emergency")).all())
        accepted = set(db.exec(select(AuditLog.ticket_id).where(AuditLog.to_status == "accepted")).all())
        closes = db.exec(select(Escalation.ticket_id).where(Escalation.kind == "close")).all()
        carried = defaultdict(set)
        for key, ticket_id in db.exec(select(EscalationNotice.outbox_key, EscalationNotice.ticket_id)
                                      .where(EscalationNotice.status == "sent")).all():
            carried[key].add(ticket_id)
    for row in rows + group:
        at = utc(row.created_at).astimezone(zone)
        is_escalation = row.idem_key.startswith("esc:")
        volume.pushes.setdefault(row.recipient, Counter())[at.date()] += 1
        if is_escalation:
            volume.escalation_pushes.setdefault(row.recipient, Counter())[at.date()] += 1
        if at.hour >= NIGHT[0] or at.hour < NIGHT[1]:
            if is_escalation and carried[row.idem_key] - emergency:
                volume.night_escalation_pushes.append(row)
            elif ":press:" in row.idem_key:
                volume.night_presses += 1
    volume.close_never_accepted = sum(1 for ticket_id in closes if ticket_id not in accepted)
    return volume
