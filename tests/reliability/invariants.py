"""What must hold after any run, read from the store and the fake WeChat's deliveries."""
import re
from collections import Counter
from dataclasses import dataclass

from sqlmodel import select

from core.privacy import mask
from dispatch.fire_deadlines import HAND_BACK_NOTE
from models import AuditLog, Escalation, InboxMessage, Outbox, Ticket, TicketReporter
from models.store import make_engine, session
from tests.reliability.crash_run import REPORTS, Traffic


@dataclass
class Store:
    """What the store holds after the run."""

    inbox: dict[str, InboxMessage]
    tickets: list[Ticket]
    reporters: list[TicketReporter]
    audit: list[AuditLog]
    escalations: list[Escalation]
    outbox: list[Outbox]


def read_store(url: str) -> Store:
    """Everything the checks need, read once."""
    engine = make_engine(url)
    try:
        with session(engine) as db:
            return Store({r.msg_key: r for r in db.exec(select(InboxMessage)).all()},
                         list(db.exec(select(Ticket)).all()), list(db.exec(select(TicketReporter)).all()),
                         list(db.exec(select(AuditLog)).all()), list(db.exec(select(Escalation)).all()),
                         list(db.exec(select(Outbox)).all()))
    finally:
        engine.dispose()


def check(store: Store, t: Traffic, delivered: list[str], may_fail=lambda row: False) -> list[str]:
    """Every problem found (empty when the run kept every promise); `may_fail` excuses failed outbox rows."""
    problems = []
    keys = {m.key: m for m in t.messages}
    if missing := sorted(set(keys) - set(store.inbox)):
        problems.append(f"messages not stored: {missing}")
    if unfinished := [k for k, r in store.inbox.items() if r.status != "done"]:
        problems.append(f"messages not processed: {unfinished}")
    reports = {k for k, m in keys.items() if m.text in REPORTS}
    ticketed = {k for k, r in store.inbox.items() if r.ticket_id}
    if ticketed != reports:
        problems.append(f"reports without a ticket {sorted(reports - ticketed)}, chatter with one {sorted(ticketed - reports)}")
    per_message = Counter(r.inbox_id for r in store.reporters)
    reported = [x for x in store.tickets if x.category != "duty"]  # recurring duties make tickets of their own
    if len(reported) != len(reports) or any(n > 1 for n in per_message.values()):
        problems.append(f"{len(reported)} tickets for {len(reports)} reports; per message {dict(per_message)}")
    # a matter filed off-hours goes to its grid again when the working day starts (13:30 after lunch, say):
    # that second dispatch is the hand-back, not a double
    dispatched = Counter(a.ticket_id for a in store.audit if a.action == "dispatched" and a.note != HAND_BACK_NOTE)
    if doubled := {k: n for k, n in dispatched.items() if n > 1}:
        problems.append(f"tickets dispatched more than once: {doubled}")
    rungs = Counter((e.ticket_id, e.kind, e.level, e.cycle) for e in store.escalations)
    if doubled := {k: n for k, n in rungs.items() if n > 1}:
        problems.append(f"escalations fired more than once: {doubled}")
    problems += _check_sends([r for r in store.outbox if not (r.status == "failed" and may_fail(r))], delivered)
    return problems


def identity(sent) -> str:
    """How a delivery is told apart at the fake WeChat: a card by its task_id, a text by its content, masked
    as the outbox keeps it (a resident's receipt is delivered with the worker's full phone, stored masked)."""
    card = sent.body.get("template_card")
    return "card:" + card["task_id"] if card else mask(sent.text)


def _row_identity(row: Outbox) -> str:
    if row.msg_type == "template_card" and row.payload.get("card"):
        return "card:" + re.sub(r"[^A-Za-z0-9_\-@]", "_", row.idem_key)[:128]
    return row.payload.get("text", "")


def _check_sends(outbox: list[Outbox], delivered: list[str]) -> list[str]:
    """Each sent row reached the fake WeChat; a second copy only where the row is flagged ambiguous."""
    problems = []
    if stuck := [r.idem_key for r in outbox if r.status != "sent"]:
        problems.append(f"outbox rows not sent: {stuck}")
    rows = Counter(_row_identity(r) for r in outbox if r.status == "sent")
    allowed = rows + Counter(_row_identity(r) for r in outbox if r.ambiguous)
    got = Counter(delivered)
    if lost := {key[:40]: n - got[key] for key, n in rows.items() if got[key] < n}:
        problems.append(f"sent but never delivered: {lost}")
    if extra := {key[:40]: n - allowed[key] for key, n in got.items() if n > allowed[key]}:
        problems.append(f"delivered more often than allowed: {extra}")
    return problems
