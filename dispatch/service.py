"""The Dispatcher: dispatch's one entry point for bot/, web/ and the ticker (see dispatch/api.py)."""
import os
import socket
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.clock import Clock, utc
from core.directory import Directory
from core.settings import Settings
from core.vocabulary import OPEN_STATUSES, STATUS_NAMES
from core.workcal import WorkCalendar
from dispatch import actions, cards, deadlines, fire_deadlines, followup, grid_lead, intake, photos, supervision, tasks, texts
from dispatch.api import AlsoInTransaction, Outcome, Receipt, Report, TicketView
from dispatch.assign import holders
from dispatch.commands import parse_command
from dispatch.context import Deps
from dispatch.lifecycle import audit, move
from models import Assignment, Ticket, TicketReporter, outbox
from models.store import session


class Dispatcher:
    """Implements DispatchPort over the store."""

    def __init__(self, settings: Settings, engine: Engine, clock: Clock, calendar: WorkCalendar, metrics: Any = None,
                 instance: str | None = None):
        self.deps = Deps(settings, engine, clock, calendar, Directory(settings), metrics,
                         instance or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}")
        self._handlers: dict[str, fire_deadlines.Handler] = {}
        self._text_handlers: list[Callable[[str, str], Outcome | None]] = []
        self._after_submit: list[Callable[[Report, Receipt], None]] = []

    def submit(self, report: Report, also: AlsoInTransaction | None = None) -> Receipt:
        """Create or merge a ticket, route it, push it, start its deadlines; `also` commits with it."""
        receipt = intake.submit(self.deps, report, also)
        for listener in self._after_submit:
            listener(report, receipt)
        return receipt

    def on_submitted(self, listener: Callable[[Report, Receipt], None]) -> None:
        """Let another package react to a new or merged report (the watch register links to it)."""
        self._after_submit.append(listener)

    def act(self, member_id: str, action: str, ticket_id: int, note: str = "", card: str | None = None) -> Outcome:
        """A worker's action from a card button (`card`: the tapped card's task_id) or a parsed command."""
        return actions.act(self.deps, member_id, action, ticket_id, note, card)

    def supervise(self, actor: str, action: str, ticket_id: int, *, member: str = "", note: str = "") -> Outcome:
        """A supervisor's action: reassign|transfer_police|press|arbitrate|close (see dispatch/supervision.py)."""
        return supervision.supervise(self.deps, actor, action, ticket_id, member=member, note=note)

    def reassign_in_grid(self, leader: str, ticket_id: int, member: str, note: str = "") -> Outcome:
        """A grid leader's 改派 of a ticket of their grid to another worker of it (see dispatch/grid_lead.py)."""
        return grid_lead.reassign_in_grid(self.deps, leader, ticket_id, member, note)

    def member_text(self, member_id: str, text: str) -> Outcome | None:
        """A worker's text command; None if it is not one."""
        command = parse_command(text)
        if command is None:
            for handler in self._text_handlers:
                outcome = handler(member_id, text)
                if outcome is not None:
                    return outcome
            return None
        ticket_id = command.ticket_id or self._only_open_ticket(member_id)
        if ticket_id is None:
            return Outcome(False, f"请带上工单编号，例如“{text.strip()[:2]} 12”。")
        return self.act(member_id, command.action, ticket_id, command.note)

    def on_member_text(self, handler: Callable[[str, str], Outcome | None]) -> None:
        """Let another package answer members' texts that are not dispatch commands (见面 王奶奶)."""
        self._text_handlers.append(handler)

    def attach_photo(self, member_id: str, url: str, ticket_id: int | None = None, ref: str | None = None,
                     voice: bool = False) -> Outcome | None:
        """Attach a worker's photo to `ticket_id` if they hold it, else to the ticket they most recently touched."""
        return photos.from_member(self.deps, member_id, url, ticket_id, ref, voice)

    def attach_resident_photo(self, resident_id: int, ticket_id: int, url: str, ref: str | None = None) -> None:
        """A reporter's photo joins their ticket, with who sent it and when, in the timeline."""
        photos.from_resident(self.deps, resident_id, ticket_id, url, ref)

    def keep_media(self, ticket_id: int, ref: str, url: str, by: str, voice: bool) -> None:
        """Our own copy of a photo or voice takes the place of the sender's address."""
        photos.keep(self.deps, ticket_id, ref, url, by, voice)

    def create_task(self, *, category: str, area_id: str, assignee: str, text: str, place: str | None,
                    close_within: timedelta, source: str, also: Callable[[Session, int], None] | None = None) -> int:
        """A task nobody reported (a visit, a scheduled duty), straight to `assignee`; `also(db, ticket_id)` commits
        with it and may raise to drop it (the slot was taken meanwhile). Returns the ticket id."""
        with session(self.deps.engine) as db:
            ticket = tasks.create_task(self.deps, db, category=category, area_id=area_id, assignee=assignee, text=text,
                                       place=place, close_within=close_within, now=self.deps.clock.now(),
                                       source=source)
            if also is not None:
                also(db, ticket.id)
            db.commit()
        return ticket.id

    def annotate(self, ticket_id: int, action: str, note: str, also: Callable[[Session], None] | None = None,
                 **data: Any) -> None:
        """A line in the ticket's timeline from the system (e.g. linked to the watch register); `also` commits with it."""
        with session(self.deps.engine) as db:
            audit(db, ticket_id, "system", action, self.deps.clock.now(), note=note, **data)
            if also is not None:
                also(db)
            db.commit()

    def schedule(self, kind: str, subject: str, due_at: datetime, data: dict[str, Any] | None = None,
                 also: Callable[[Session], None] | None = None) -> None:
        """A deadline of another package's kind (see on_deadline), e.g. bot/'s ask_place; `also` commits with it."""
        with session(self.deps.engine) as db:
            deadlines.schedule(db, kind=kind, subject=subject, due_at=due_at, data=data)
            if also is not None:
                also(db)
            db.commit()

    def cancel(self, resident_id: int, number: str) -> Outcome:
        """The reporter cancels before acceptance (one of several reporters only withdraws)."""
        now = self.deps.clock.now()
        with session(self.deps.engine) as db:
            ticket = self._reported_by(db, resident_id, number)
            if ticket is None:
                return Outcome(False, f"没有找到您报的编号 {number}。")
            if ticket.status not in ("new", "dispatched", "returned"):
                return Outcome(False, f"编号 {ticket.number} 已{STATUS_NAMES[ticket.status]}，不能撤销。", ticket.id)
            reporters = db.exec(select(TicketReporter).where(TicketReporter.ticket_id == ticket.id)).all()
            if len(reporters) > 1:
                return self._withdraw(db, ticket, resident_id, reporters, now)
            move(db, ticket, "cancelled", f"resident:{resident_id}", now, note="居民撤销")
            cards.ended(db, ticket.id, "居民已撤销", now)
            deadlines.void(db, ticket.id)
            people = [a.member_id for a in holders(db, ticket.id)]
            outbox.to_members(db, people, key=f"t{ticket.id}:cancelled", text=f"【已撤销】{texts.headline(ticket)}"
                              " 居民已撤销，无需处理。", now=now, ticket_id=ticket.id)
            db.commit()
        return Outcome(True, f"编号 {ticket.number} 已撤销。", ticket.id)

    def _withdraw(self, db: Session, ticket: Ticket, resident_id: int, reporters: Sequence[TicketReporter],
                  now: datetime) -> Outcome:
        # Other residents reported the same matter: it stays open for them.
        db.delete(next(r for r in reporters if r.resident_id == resident_id))
        audit(db, ticket.id, f"resident:{resident_id}", "reporter_withdrew", now, note="居民撤回，其他居民的反映继续办理")
        db.commit()
        return Outcome(True, f"已撤回您的反映。其他居民也反映了同一问题，编号 {ticket.number} 将继续办理。", ticket.id)

    def feedback(self, resident_id: int, satisfied: bool, reason: str = "") -> Outcome | None:
        """A 回访 answer; None if nothing awaits one."""
        return followup.answer(self.deps, resident_id, satisfied, reason)

    def open_tickets(self, resident_id: int) -> list[TicketView]:
        """The resident's tickets not yet closed, newest first."""
        with session(self.deps.engine) as db:
            rows = db.exec(select(Ticket).join(TicketReporter, TicketReporter.ticket_id == Ticket.id)
                           .where(TicketReporter.resident_id == resident_id,
                                  Ticket.status.in_((*OPEN_STATUSES, "resolved")))
                           .order_by(Ticket.created_at.desc())).all()
            primary: dict[int, list[str]] = {}
            for ticket_id, member_id in db.exec(  # every ticket's holders in one statement, not one each
                    select(Assignment.ticket_id, Assignment.member_id)
                    .where(Assignment.ticket_id.in_([t.id for t in rows]), Assignment.active,
                           Assignment.role == "primary").order_by(Assignment.id)).all():
                primary.setdefault(ticket_id, []).append(self.deps.member_name(member_id))
            return [TicketView(t.id, t.number, t.status, STATUS_NAMES[t.status], t.category, t.place,
                               utc(t.created_at), primary.get(t.id, [])) for t in rows]

    def tick(self, now: datetime) -> int:
        """Claim and fire due deadlines."""
        return fire_deadlines.tick(self.deps, now, self._handlers)

    def on_deadline(self, kind: str, handler: fire_deadlines.Handler) -> None:
        """Let another package own a deadline kind: handler(deadline, now) -> bool, run after it is marked fired."""
        self._handlers[kind] = handler

    def _only_open_ticket(self, member_id: str) -> int | None:
        with session(self.deps.engine) as db:
            ids = db.exec(select(Ticket.id).join(Assignment, Assignment.ticket_id == Ticket.id)
                          .where(Assignment.member_id == member_id, Assignment.active,
                                 Ticket.status.in_(OPEN_STATUSES))).all()
        return ids[0] if len(ids) == 1 else None

    def _reported_by(self, db: Session, resident_id: int, number: str) -> Ticket | None:
        digits = number.strip().upper().removeprefix("GW-").split("-")[-1]
        if not digits.isdigit():
            return None
        return db.exec(select(Ticket).join(TicketReporter, TicketReporter.ticket_id == Ticket.id)
                       .where(TicketReporter.resident_id == resident_id, Ticket.id == int(digits))
                       .with_for_update(of=Ticket)).first()
