"""Loading tickets for the board and the ledger, limited to what the viewer may see."""
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from core.settings import Settings
from core.vocabulary import OPEN_STATUSES
from models import Assignment, AuditLog, Member, Ticket
from web.console import filters
from web.console.overdue import WAITING_ACCEPT, Lateness, lateness
from web.console.viewer import Viewer

BOARD_LIMIT = 500
LEDGER_LIMIT = 20000


@dataclass(frozen=True)
class Row:
    """A ticket on the board: who holds it, how late it is, and its marks (重办, 待裁定, 疑似)."""

    ticket: Ticket
    holders: list[str]  # names, primary first
    late: Lateness | None
    marks: tuple[str, ...] = ()

    @property
    def overdue(self) -> bool:
        return bool(self.late and self.late.late_s > 0)

    def rank(self) -> int:
        """0 unaccepted emergencies, 1 police matters, 2 overdue, 3 the rest."""
        if self.ticket.urgency == "emergency" and self.ticket.status in WAITING_ACCEPT:
            return 0
        if self.ticket.kind == "police" and self.ticket.status in OPEN_STATUSES:
            return 1
        return 2 if self.overdue else 3


def tickets(db: Session, viewer: Viewer, f: filters.Filters, settings: Settings, tz, limit: int) -> list[Ticket]:
    """Visible tickets matching the filters, newest first."""
    statement = filters.apply(select(Ticket).where(viewer.visible()), f, settings, tz)
    return list(db.exec(statement.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit)).all())


def board_rows(db: Session, viewer: Viewer, f: filters.Filters, settings: Settings, tz, now: datetime) -> list[Row]:
    """The board: unaccepted emergencies, then police matters, then the overdue (most overdue first
    in each), then the rest, newest first."""
    found = tickets(db, viewer, f, settings, tz, BOARD_LIMIT)
    names, marks = holder_names(db, [t.id for t in found]), board_marks(db, found)
    rows = [Row(t, names.get(t.id, []), lateness(t, now), marks.get(t.id, ())) for t in found]
    if f.status == "overdue":
        rows = [r for r in rows if r.overdue]
    return sorted(rows, key=lambda r: (r.rank(), -r.late.late_s if r.rank() < 3 and r.late else 0))


def board_marks(db: Session, found: list[Ticket]) -> dict[int, tuple[str, ...]]:
    """重办 (re-opened after 不满意), 待裁定 (a 退单 or a 转派 awaiting a decision), 疑似 (triage unsure)."""
    ids = [t.id for t in found]
    reopened = set(db.exec(select(AuditLog.ticket_id).where(AuditLog.ticket_id.in_(ids),
                                                            AuditLog.action == "reopened")).all()) if ids else set()
    asked: dict[int, AuditLog] = {}
    for entry in db.exec(select(AuditLog).where(AuditLog.ticket_id.in_(ids), AuditLog.action.like("transfer_%"))
                         .order_by(AuditLog.id)).all() if ids else []:
        asked[entry.ticket_id] = entry
    marks = {}
    for t in found:
        transfer = asked.get(t.id)
        ruling = t.status == "returned" or (transfer is not None and transfer.action == "transfer_requested"
                                            and transfer.data.get("cycle") == t.cycle)
        unsure = t.route == "triage" or bool((t.triage or {}).get("needs_human"))
        marks[t.id] = tuple(m for m, on in (("重办", t.id in reopened), ("待裁定", ruling), ("疑似", unsure)) if on)
    return marks


def holder_names(db: Session, ticket_ids: list[int]) -> dict[int, list[str]]:
    """The names of each ticket's current holders, primary first."""
    if not ticket_ids:
        return {}
    rows = db.exec(select(Assignment, Member.name).join(Member, Member.id == Assignment.member_id)
                   .where(Assignment.ticket_id.in_(ticket_ids), Assignment.active)
                   .order_by(Assignment.role != "primary", Assignment.id)).all()
    names: dict[int, list[str]] = {}
    for assignment, name in rows:
        names.setdefault(assignment.ticket_id, []).append(name)
    return names


def can_read(db: Session, viewer: Viewer, ticket_id: int) -> Ticket | None:
    """The ticket if it exists and the viewer may read it."""
    return db.exec(select(Ticket).where(Ticket.id == ticket_id, viewer.visible())).first()
