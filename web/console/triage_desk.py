"""The duty desk's side of triage: 疑似报事 filed (through dispatch's port) or dismissed, and people's corrections."""
from typing import Any

from sqlmodel import select

from core.vocabulary import CATEGORIES, kind_of
from dispatch.api import Report
from models import SuspectReport, TriageCorrection
from models.store import session
from models.triage_desk import corrections, last_30_days, settle
from nlp.evaluation import agreement
from nlp.triage import Triage
from web.console import queries
from web.console.labels import CATEGORY_NAMES, URGENCY_NAMES

# What a correction may say: the triage categories (not visits or duties) and urgencies, in Chinese.
CORRECTABLE = {"category_names": {c: CATEGORY_NAMES[c] for c in CATEGORIES}, "urgency_names": dict(URGENCY_NAMES)}
FILED = "已立案，转值班室分拣"
IGNORED = "已忽略，记为非报事样本"


class AlreadyDecided(Exception):
    """Someone at the desk (or the resident) decided this 疑似报事 first."""


def load(services: Any, limit: int = 200) -> tuple[list[SuspectReport], float | None, int]:
    """The open 疑似报事 (newest first), the model's agreement with the last 30 days' corrections, and their count."""
    with session(services.reader) as db:
        rows = db.exec(select(SuspectReport).where(SuspectReport.status == "open")
                       .order_by(SuspectReport.id.desc()).limit(limit)).all()
    recent = corrections(services.reader, since=last_30_days(services.clock.now()))
    if not recent or services.classifier is None:
        return rows, None, len(recent)
    return rows, agreement(recent, services.classifier.classify_many([r["text"] for r in recent])), len(recent)


def decide(services: Any, suspect_id: int, member_id: str, file_it: bool) -> str | None:
    """立案 (a ticket for human triage) or 忽略 (kept as a not-a-report example); None if already decided."""
    now = services.clock.now()
    with session(services.engine) as db:
        suspect = db.get(SuspectReport, suspect_id)
        if suspect is None or suspect.status != "open":
            return None
        if not file_it:
            if not settle(db, suspect_id, "ignored", member_id, now):
                return None
            db.add(TriageCorrection(text=suspect.text, is_report=False, machine=dict(suspect.triage),
                                    suspect_id=suspect_id, member_id=member_id, created_at=now))
            db.commit()
            return IGNORED
        # a person's call, not the model's: a report with no category yet, for the triage queue
        triage = Triage(True, confidence=1.0, reasons=("值班室从疑似报事立案",), needs_human=True,
                        masked_text=suspect.text)
        report = Report(resident_id=suspect.resident_id, channel=suspect.channel, text=suspect.text, triage=triage,
                        sealed=suspect.text_sealed, chat_id=suspect.chat_id, inbox_id=suspect.inbox_id)

    def filed(db: Any, receipt: Any) -> None:  # in the ticket's transaction: two clicks make one ticket
        if not settle(db, suspect_id, "filed", member_id, now, receipt.ticket_id):
            raise AlreadyDecided(suspect_id)
    try:
        services.dispatcher.submit(report, also=filed)
    except AlreadyDecided:
        return None
    return FILED


def correct(services: Any, viewer: Any, ticket_id: int, labels: dict[str, Any]) -> bool:
    """Store a person's labels for a ticket's message (not a report / category / urgency / place)."""
    now = services.clock.now()
    with session(services.engine) as db:
        ticket = queries.can_read(db, viewer, ticket_id)
        if ticket is None:
            return False
        category = labels["category"] if labels["is_report"] else None
        place = labels.get("location")
        db.add(TriageCorrection(text=ticket.text, is_report=labels["is_report"], category=category,
                                kind=kind_of(category), urgency=labels["urgency"] if category else None,
                                location=place if category and place and place in ticket.text else None,
                                machine=dict(ticket.triage or {}), ticket_id=ticket_id, member_id=viewer.id,
                                created_at=now))
        db.commit()
    return True

