"""Who hears of a climbed rung, and when: quiet hours, one push per person per window, group or personal.

A climbed rung leaves one EscalationNotice row per person (or one for the supervisors' group,
for the supervisors configured to be reached there: never both). A notice is released at
once, or at the end of quiet hours (non-emergencies), or when the person's batching window
since their last 督办 push has passed (a repeat reminder waits for the ticket's repeat
interval instead). Released notices go out together as one push, composed when they go, so a
summary at 07:00 tells how things stand at 07:00; a ticket that was accepted or closed
meanwhile is left out. The wait is a deadline row (kind "notices", subject
"audience:recipient"), so a restart loses nothing. Two instances pushing to one person at the
same instant may both send (the window is a bound on noise, not an exactly-once promise; each
notice is still pushed once).
"""
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from core.clock import utc
from dispatch import bulk, deadlines, texts
from dispatch.context import Deps
from dispatch.overdue import Holders, current_holders, describe, waits
from dispatch.quiet import QuietHours
from models import Deadline, EscalationNotice, Ticket, outbox

KIND = "notices"
GROUP = ("supervisors_group", "supervisors")


def reach(deps: Deps, people: list[str]) -> list[tuple[str, str]]:
    """(audience, recipient) for the people alerted: personally, or the group for those reached there."""
    by_group = set(deps.settings.escalation.reach_by_group)
    return [("member", m) for m in people if m not in by_group] + ([GROUP] if by_group & set(people) else [])


RungKey = tuple[int, str, int, int]  # (ticket_id, ladder, level, cycle)


def hold(deps: Deps, db: Session, rungs: list[tuple[RungKey, list[str], bool, timedelta | None]], now: datetime) -> None:
    """Record who is to hear of each climbed rung (key, people, emergency, repeat interval if it is a repeat);
    push now what may go now, wake up later for the rest."""
    window = deps.settings.escalation.batch_window
    rows = [dict(ticket_id=key[0], kind=key[1], level=key[2], cycle=key[3], audience=audience, recipient=recipient,
                 emergency=emergency, window_s=0 if emergency else int(max(window, repeat or window).total_seconds()),
                 release_at=now, status="pending", created_at=now)
            for key, people, emergency, repeat in rungs for audience, recipient in reach(deps, people)]
    if not rows:
        return
    last = _last_pushed(db, {r["recipient"] for r in rows})
    for row in rows:
        row["release_at"] = _release(deps, row["emergency"], row["window_s"], last.get(row["recipient"]), now)
    bulk.insert_ignore_many(db, EscalationNotice, rows, ["ticket_id", "kind", "level", "cycle", "recipient"])
    first: dict[tuple[str, str], datetime] = {}
    for row in rows:
        subject = (row["audience"], row["recipient"])
        first[subject] = min(first.get(subject, row["release_at"]), row["release_at"])
    for (audience, recipient), release in sorted(first.items()):
        if release <= now:
            flush(deps, db, audience, recipient, now)
        else:
            _wake(db, audience, recipient, release)


def flush_subject(deps: Deps, db: Session, subject: str | None, now: datetime) -> bool:
    """The "notices" deadline: push what is released for `audience:recipient`."""
    audience, _, recipient = (subject or "").partition(":")
    return flush(deps, db, audience, recipient, now)


def flush(deps: Deps, db: Session, audience: str, recipient: str, now: datetime) -> bool:
    """When a notice to this recipient is released, one push with all that may go; True if one went out.

    Notices not yet released ride along (a repeat reminder costs no push of its own), except
    non-emergencies in quiet hours. A notice that may no longer go now (a push went out from
    another instance meanwhile, or quiet hours began) waits again.
    """
    n_ = EscalationNotice  # plain rows, not entities: a burst may hold a thousand for one person
    pending = db.exec(select(n_.id, n_.ticket_id, n_.kind, n_.level, n_.cycle, n_.emergency, n_.window_s,
                             n_.release_at, n_.created_at)
                      .where(n_.recipient == recipient, n_.status == "pending")
                      .order_by(n_.id).with_for_update()).all()
    last = _last_pushed(db, {recipient}).get(recipient)
    released = {n.id for n in pending if utc(n.release_at) <= now}
    may_go = {n.id for n in pending if n.id in released and _release(deps, n.emergency, n.window_s, last, now) <= now}
    quiet = QuietHours.of(deps.settings)
    going = [n for n in pending if may_go and (n.emergency or not (quiet and quiet.contains(now)))]
    going_ids = {n.id for n in going}  # ids, not rows: comparing rows runs pydantic's __eq__
    for n in pending:
        if n.id in released and n.id not in going_ids:
            again = _release(deps, n.emergency, n.window_s, last, now)
            _mark(db, [n.id], release_at=again)
            _wake(db, audience, recipient, again)
    tickets = {t.id: t for t in db.exec(select(Ticket).where(Ticket.id.in_({n.ticket_id for n in going}))).all()}
    live = [n for n in going if waits(tickets[n.ticket_id], n.kind, n.cycle)]
    key = f"esc:{audience}:{recipient}:n{live[0].id}" if live else None
    # a few statements for the whole push: a burst may put a thousand notices in one summary
    live_ids = {n.id for n in live}
    _mark(db, list(live_ids), status="sent", sent_at=now, outbox_key=key)
    _mark(db, [i for i in going_ids if i not in live_ids], status="dropped", sent_at=now)
    if not live:
        return False
    text, card, ticket_id = _compose(deps, db, live, tickets, now, group=audience == GROUP[0])
    outbox.push(db, key=key, audience=audience, recipient=recipient, text=text, card=card, now=now,
                ticket_id=ticket_id)
    return True


def _compose(deps: Deps, db: Session, live: list[EscalationNotice], tickets: dict[int, Ticket], now: datetime,
             group: bool) -> tuple[str, dict[str, Any] | None, int | None]:
    """One alert as it stands now; several: one line per ticket (its highest rung), in one summary."""
    newest: dict[int, EscalationNotice] = {}
    for n in live:
        newest[n.ticket_id] = n
    shown = list(newest.items())[:texts.SUMMARY_LINES]  # the rest are counted, not listed
    holders = current_holders(db, [t for t, _ in shown])
    described = [describe(deps, tickets[t], n.kind, n.level, holders.get(t, Holders()), now) for t, n in shown]
    if len(newest) == 1:
        text, card, _ = described[0]
        return text, None if group else card, next(iter(newest))
    quiet = QuietHours.of(deps.settings)
    night = bool(quiet) and any(quiet.contains(utc(n.created_at)) for n in live if n.created_at)
    return texts.overdue_summary([line for _, _, line in described], night, len(newest)), None, None


def _mark(db: Session, ids: list[int], **values: Any) -> None:
    if ids:
        db.flush()
        db.connection().execute(update(EscalationNotice).where(EscalationNotice.id.in_(ids)).values(**values))


def _release(deps: Deps, emergency: bool, window_s: int, last: datetime | None, now: datetime) -> datetime:
    """When a notice may go: emergencies at once; others after quiet hours and the person's window."""
    if emergency:
        return now
    at = max(now, last + timedelta(seconds=window_s)) if last else now
    quiet = QuietHours.of(deps.settings)
    return quiet.end_after(at) if quiet and quiet.contains(at) else at


def _last_pushed(db: Session, recipients: set[str]) -> dict[str, datetime]:
    rows = db.exec(select(EscalationNotice.recipient, func.max(EscalationNotice.sent_at))
                   .where(EscalationNotice.recipient.in_(recipients), EscalationNotice.status == "sent")
                   .group_by(EscalationNotice.recipient)).all()
    return {r: utc(at) for r, at in rows if at is not None}


def _wake(db: Session, audience: str, recipient: str, at: datetime) -> None:
    """A deadline to push at `at`, unless one already comes sooner (its flush re-schedules the rest)."""
    subject = f"{audience}:{recipient}"
    sooner = db.exec(select(Deadline.id).where(Deadline.kind == KIND, Deadline.subject == subject,
                                               Deadline.status == "pending", Deadline.due_at <= at)).first()
    if sooner is None:
        deadlines.schedule(db, kind=KIND, subject=subject, due_at=at)

