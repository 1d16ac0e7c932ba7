"""The duty desk's side of triage: file or dismiss 疑似报事, and keep people's corrections as examples."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select

from dispatch.api import Report
from dispatch.labels import POLICE_CATEGORIES
from models import SuspectReport, Ticket, TriageCorrection
from models.store import session



@dataclass(frozen=True)
class DeskTriage:
    """A person's call on a message: a report for human triage (no category yet) or labelled."""

    is_report: bool = True
    kind: str | None = None
    category: str | None = None
    urgency: str | None = None
    location: str | None = None
    confidence: float = 1.0
    needs_human: bool = True
    grid_id: str | None = None
    reasons: tuple[str, ...] = ("值班室从疑似报事立案",)
    masked_text: str = ""


def open_suspects(engine, limit: int = 200) -> list[SuspectReport]:
    """疑似报事 waiting for the desk, newest first."""
    with session(engine) as db:
        return db.exec(select(SuspectReport).where(SuspectReport.status == "open")
                       .order_by(SuspectReport.id.desc()).limit(limit)).all()


def decide_suspect(dispatcher, suspect_id: int, member_id: str, file_it: bool, now: datetime) -> str | None:
    """立案 (a ticket for human triage) or 忽略 (kept as a not-a-report example); None if already decided."""
    with session(dispatcher.deps.engine) as db:
        suspect = db.get(SuspectReport, suspect_id)
        if suspect is None or suspect.status != "open":
            return None
        text, triage = suspect.text, dict(suspect.triage)
        report = Report(resident_id=suspect.resident_id, channel=suspect.channel, text=text,
                        triage=DeskTriage(masked_text=text), chat_id=suspect.chat_id, inbox_id=suspect.inbox_id)
    ticket_id = dispatcher.submit(report).ticket_id if file_it else None
    with session(dispatcher.deps.engine) as db:
        suspect = db.get(SuspectReport, suspect_id)
        suspect.status, suspect.decided_by, suspect.decided_at = ("filed" if file_it else "ignored"), member_id, now
        suspect.ticket_id = ticket_id
        db.add(suspect)
        if not file_it:
            db.add(TriageCorrection(text=text, is_report=False, machine=triage, suspect_id=suspect_id,
                                    member_id=member_id, created_at=now))
        db.commit()
    return "已立案，转值班室分拣" if file_it else "已忽略，记为非报事样本"


def correct_ticket(engine, ticket_id: int, member_id: str, labels: dict, now: datetime) -> bool:
    """Store a person's labels for a ticket's message (not a report / category / urgency / place)."""
    with session(engine) as db:
        ticket = db.get(Ticket, ticket_id)
        if ticket is None:
            return False
        category = labels.get("category") if labels["is_report"] else None
        location = labels.get("location") if labels["is_report"] and labels.get("location") in ticket.text else None
        db.add(TriageCorrection(text=ticket.text, is_report=labels["is_report"], category=category,
                                kind=("police" if category in POLICE_CATEGORIES else "non_police") if category else None,
                                urgency=labels.get("urgency") if category else None, location=location,
                                machine=dict(ticket.triage or {}), ticket_id=ticket_id, member_id=member_id,
                                created_at=now))
        db.commit()
    return True


def corrections(engine, since: datetime | None = None) -> list[dict]:
    """Corrections as labelled rows (`id` correction-N), oldest first; only those since `since` if given."""
    with session(engine) as db:
        query = select(TriageCorrection).order_by(TriageCorrection.id)
        if since is not None:
            query = query.where(TriageCorrection.created_at >= since)
        rows = db.exec(query).all()
    return [{"id": f"correction-{c.id}", "text": c.text, "is_report": c.is_report, "kind": c.kind,
             "category": c.category, "urgency": c.urgency, "location": c.location, "source": "corrections"}
            for c in rows if not c.is_report or (c.category and c.urgency)]


def last_30_days(now: datetime) -> datetime:
    """Where "the last 30 days" of corrections starts."""
    return now - timedelta(days=30)
