"""`见面 王奶奶 身体挺好`: a worker records a visit; an open visit task for that person is closed."""
import re

from sqlalchemy.engine import Engine
from sqlmodel import select

from core.clock import Clock
from core.vocabulary import OPEN_STATUSES
from dispatch.api import DispatchPort, Outcome
from duties.register import find_person, record_visit
from models import Ticket
from models.store import session

_VISIT = re.compile(r"^\s*(?:见面|走访|看望)\s*(\S+)\s*(.*)$", re.DOTALL)


def visit_command(dispatcher: DispatchPort, engine: Engine, clock: Clock):
    """A member-text handler for dispatcher.on_member_text."""

    def handle(member_id: str, text: str) -> Outcome | None:
        match = _VISIT.match(text or "")
        if not match:
            return None
        name, note = match.group(1), match.group(2).strip()
        now = clock.now()
        with session(engine) as db:
            person = find_person(db, name, member_id)
            if person is None:
                return Outcome(False, f"名单里没有“{name}”，请核对姓名。")
            task = db.exec(select(Ticket).where(Ticket.category == "visit", Ticket.status.in_(OPEN_STATUSES),
                                                Ticket.triage["source"].as_string() == f"watch:{person.id}")
                           .order_by(Ticket.id.desc())).first()
            record_visit(db, person, member_id, now, note, task.id if task else None)
            db.commit()
            task_id = task.id if task else None
        if task_id:  # meeting the person is taking the visit task on and doing it
            dispatcher.act(member_id, "accept", task_id)
            dispatcher.act(member_id, "resolve", task_id, f"已见面：{note or '情况正常'}")
        days = (person.interval_s // 86400) or 1
        return Outcome(True, f"已记录与{person.name}见面，下次请在{days}天内再见面。", task_id)

    return handle
