"""What must hold after any run, read from the store and the fake WeChat's deliveries."""
from collections import Counter
from dataclasses import dataclass

from sqlmodel import select

from core.privacy import mask
from dispatch.fire_deadlines import HAND_BACK_NOTE
from models import AuditLog, Escalation, InboxMessage, Outbox, Ticket, TicketReporter
from models.outbox import card_of, task_id
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
    messages = [r for r in store.outbox if r.msg_type != "card_update"]  # updates are no messages: check_cards
    problems += _check_sends([r for r in messages if not (r.status == "failed" and may_fail(r))], delivered)
    return problems


def identity(sent) -> str:
    """How a delivery is told apart at the fake WeChat: a card by the card its task_id was sent for
    (each send has a task_id of its own), a text by its content, masked as the outbox keeps it (a resident's
    receipt is delivered with the worker's full phone, stored masked)."""
    card = sent.body.get("template_card")
    return "card:" + card_of(card["task_id"]) if card else mask(sent.text)


def check_cards(store: Store, sent: list, updates: list = ()) -> list[str]:
    """Each send of a card had a task_id of its own (WeCom refuses one it has seen), a card row that
    was sent keeps the task_id of the send that got through, and each card update was settled: done
    at the fake WeCom (`updates`), or given up, never left waiting."""
    delivered = Counter(s.body["template_card"]["task_id"] for s in sent if s.body.get("template_card"))
    problems = [f"task_id sent twice: {sorted(k for k, n in delivered.items() if n > 1)}"] if max(
        delivered.values(), default=0) > 1 else []
    if lost := [r.idem_key for r in store.outbox if r.msg_type == "template_card" and r.status == "sent"
                and r.channel == "member" and r.task_id not in delivered]:
        problems.append(f"card rows whose task_id never reached WeChat: {lost}")
    done = Counter(u.label for u in updates if u.ok)
    rows = [r for r in store.outbox if r.msg_type == "card_update"]
    claimed = Counter(r.payload["replace"] for r in rows if r.status == "sent")
    # a run killed between WeCom's answer and ours leaves a done update whose retry was refused
    missing, extra = claimed - done, done - Counter(r.payload["replace"] for r in rows)
    if missing or extra:
        problems.append(f"card updates recorded as done but not at WeCom {dict(missing)}, or done twice {dict(extra)}")
    if waiting := [r.idem_key for r in store.outbox if r.msg_type == "card_update" and r.status not in ("sent", "failed")]:
        problems.append(f"card updates never settled: {waiting}")
    return problems


def _row_identity(row: Outbox) -> str:
    if row.msg_type == "template_card" and row.payload.get("card"):
        return "card:" + card_of(row.task_id or task_id(row.idem_key, 1))
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
