"""显示完整号码: a ticket's full phone and ID numbers, for the roles that call people back, every look audited.

Everywhere else numbers are masked (the store keeps them masked, the originals sealed). 所领导,
民警 and 值班 may open them for one ticket at a time, by a POST carrying the page's CSRF token; the
answer is the page itself with the numbers, never a link, and an audit row says who looked and when.
Members' own phones come from config.yaml and follow the same rule.
"""
import logging
from dataclasses import dataclass

from sqlmodel import select

from core.privacy import find_numbers
from models import Assignment, AuditLog, InboxMessage, Resident, TicketReporter
from models.store import session
from web.console import queries
from web.console.viewer import Viewer

log = logging.getLogger(__name__)
REVEALED = "numbers_revealed"  # the audit row's action
REFUSED = "只有所领导、民警和值班人员可以查看完整号码"
KIND_NAMES = {"mobile": "手机", "landline": "座机", "id": "身份证号"}


@dataclass(frozen=True)
class FullNumber:
    """One full number and where it was found."""

    whose: str  # 报事内容 / 王阿姨留的电话 / 承办人 李明
    kind: str  # mobile | landline | id
    number: str

    @property
    def kind_name(self) -> str:
        """手机 / 座机 / 身份证号."""
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def callable(self) -> bool:
        """A number a phone can dial (tel: link)."""
        return self.kind in ("mobile", "landline")


def may_reveal(viewer: Viewer) -> bool:
    """所领导, 民警 and 值班 call people back; nobody else sees full numbers."""
    return viewer.sees_phones


def reveal(services, viewer: Viewer, ticket_id: int) -> list[FullNumber] | None:
    """The ticket's full numbers, with the audit row written; None if the viewer may not read the ticket."""
    if not may_reveal(viewer):
        raise PermissionError(REFUSED)
    privacy, now = services.privacy, services.clock.now()
    with session(services.engine) as db:
        ticket = queries.can_read(db, viewer, ticket_id)
        if ticket is None:
            return None
        found: list[FullNumber] = []

        def add(whose: str, text: str) -> None:
            for n in find_numbers(text):
                if all(n.digits != f.number for f in found):
                    found.append(FullNumber(whose, n.kind, n.digits))
        add("报事内容", privacy.original(ticket.text, ticket.text_sealed))
        reporters = db.exec(select(Resident, TicketReporter.inbox_id)
                            .join(TicketReporter, TicketReporter.resident_id == Resident.id)
                            .where(TicketReporter.ticket_id == ticket.id).order_by(TicketReporter.id)).all()
        for resident, inbox_id in reporters:
            name = resident.name or "居民"
            add(f"{name}留的电话", privacy.original(resident.phone_masked, resident.phone_sealed))
            message = db.get(InboxMessage, inbox_id) if inbox_id else None
            if message is not None:
                add(f"{name}的原话", privacy.original(message.content, message.content_sealed))
        holding = db.exec(select(Assignment.member_id).where(Assignment.ticket_id == ticket.id, Assignment.active)
                          .order_by(Assignment.id)).all()
        for member in (m for m in services.settings.members if m.id in holding):
            add(f"承办人 {member.name}", member.phone)
        db.add(AuditLog(ticket_id=ticket.id, actor=viewer.id, action=REVEALED, note=f"查看完整号码 {len(found)} 个",
                        data={"count": len(found)}, at=now))
        db.commit()
    log.info("full numbers shown", extra={"member": viewer.id, "ticket": ticket_id, "count": len(found)})
    return found
